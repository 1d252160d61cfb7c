"""What the review phase registers when the app is ready (called from AdmissionsConfig.ready)."""


def ready():
    from django.db.models.signals import post_save

    from . import review_mail
    from .models import Offer
    from .review_services import on_offer_saved

    review_mail.register()
    post_save.connect(on_offer_saved, sender=Offer, dispatch_uid="admissions.review.enrol_on_accept")
