from django.apps import AppConfig


class InsynConfig(AppConfig):
    name = "insyn"
    verbose_name = "Insyn"

    def ready(self):
        from insyn.tasks import send_direct_mails_after
        from styrning import actionlog

        # A counted public act (a publication, a repeal …) sends the direct subscribers' mails
        # at once instead of waiting for the next scheduled run.
        actionlog.on_public_act(send_direct_mails_after)
