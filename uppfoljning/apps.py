from django.apps import AppConfig


class UppfoljningConfig(AppConfig):
    name = "uppfoljning"
    verbose_name = "Uppföljning"

    def ready(self):
        from uppfoljning import cache_scopes

        # What a change touches in the shared page cache (styrning.pagecache).
        cache_scopes.register()
