"""Who may edit the catalogue.

A module's leader may edit (and publish) that module. Anyone holding the
`curriculum.change_module` permission (the staff group has it, granted by
migration 0003) may edit every module. Nobody else edits anything.
"""


def _active(user):
    return getattr(user, "is_authenticated", False) and user.is_active


def can_edit_all_modules(user):
    return _active(user) and user.has_perm("curriculum.change_module")


def can_create_module(user):
    return _active(user) and user.has_perm("curriculum.add_module")


def can_edit_module(user, module):
    if not _active(user):
        return False
    return can_edit_all_modules(user) or (module.leader_id is not None and module.leader_id == user.pk)


def can_use_module_staff_area(user):
    """The staff module list: editors of all modules, and leaders of at least one."""
    if not _active(user):
        return False
    return can_edit_all_modules(user) or user.led_modules.exists()


def can_reassign_leader(user):
    return can_edit_all_modules(user)


def can_edit_programmes(user):
    return _active(user) and user.has_perm("curriculum.change_programme")


def can_roll_offerings_forward(user):
    return _active(user) and user.has_perm("curriculum.add_moduleoffering")


def can_edit_search_synonyms(user):
    """Whoever edits every module keeps the search's synonyms too."""
    return can_edit_all_modules(user)


def can_enrol(user, student):
    """`user` may place `student` in a cohort: an admissions admin (or an
    operator), or the student themselves taking up a place they were offered
    (the admissions service that calls `student_enrol` checks the offer)."""
    from accounts.permissions import is_admissions_admin

    if not getattr(user, "is_authenticated", False):
        return False
    return is_admissions_admin(user) or (user.is_active and user.pk == student.pk)
