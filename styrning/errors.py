"""Error pages that Django leaves empty: a 405 (e.g. from ``require_POST``) gets a Swedish page
in the site's layout. The 400, 403, 404, 500 and CSRF pages are plain templates
(``templates/<status>.html``, ``templates/403_csrf.html``)."""

from django.template.loader import render_to_string


class MethodNotAllowedMiddleware:
    """Fills an empty 405 answer with ``405.html``; the ``Allow`` header stays as it was."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 405 and not response.streaming and not response.content:
            response.content = render_to_string("405.html", request=request)
            response["Content-Type"] = "text/html; charset=utf-8"
        return response
