from curriculum.models import ModuleRevision
from curriculum.snapshots import snapshot_of
from curriculum.tests.factories import ModuleFactory, ProgrammeFactory, SearchSynonymFactory
from mpt.tests.url_permissions import PUBLIC, UrlCase, only

STAFF = only("staff")
STAFF_POST = only("staff", status=302)


def _module(users):
    return {"pk": ModuleFactory().pk}


def _synonym(users):
    return {"pk": SearchSynonymFactory().pk}


def _revision(users):
    module = ModuleFactory()
    ModuleRevision.objects.create(module=module, number=1, kind="created", snapshot=snapshot_of(module))
    return {"pk": module.pk, "number": 1}


CASES = [
    UrlCase("curriculum:programme-list", PUBLIC),
    UrlCase("curriculum:programme-detail", PUBLIC, kwargs=lambda users: {"slug": ProgrammeFactory().slug}),
    UrlCase("curriculum:module-list", PUBLIC),
    UrlCase("curriculum:module-detail", PUBLIC, kwargs=lambda users: {"slug": ModuleFactory().slug}),
    UrlCase("curriculum:api-programme-list", PUBLIC),
    UrlCase("curriculum:api-module-list", PUBLIC),
    UrlCase("curriculum:staff-module-list", STAFF),
    UrlCase("curriculum:staff-module-create", STAFF),
    UrlCase("curriculum:staff-module-detail", STAFF, kwargs=_module),
    UrlCase("curriculum:staff-module-edit", STAFF, kwargs=_module),
    UrlCase("curriculum:staff-module-preview", STAFF, kwargs=_module),
    UrlCase("curriculum:staff-module-history", STAFF, kwargs=_module),
    UrlCase("curriculum:staff-module-publish", STAFF_POST, kwargs=_module, method="post"),
    UrlCase("curriculum:staff-module-unpublish", STAFF_POST, kwargs=_module, method="post"),
    UrlCase("curriculum:staff-module-discard", STAFF_POST, kwargs=_module, method="post"),
    UrlCase("curriculum:staff-module-restore", STAFF_POST, kwargs=_revision, method="post"),
    UrlCase("curriculum:staff-offering-roll-forward", STAFF),
    UrlCase("curriculum:staff-programme-list", STAFF),
    UrlCase("curriculum:staff-programme-status", STAFF_POST, kwargs=lambda users: {"pk": ProgrammeFactory().pk},
            method="post", data={"status": "draft"}),
    UrlCase("curriculum:staff-synonym-list", STAFF),
    UrlCase("curriculum:staff-synonym-create", STAFF),
    UrlCase("curriculum:staff-synonym-edit", STAFF, kwargs=_synonym),
    UrlCase("curriculum:staff-synonym-delete", STAFF, kwargs=_synonym),
]
