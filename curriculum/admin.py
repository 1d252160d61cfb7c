"""Curriculum in the Django admin: a read-mostly fallback for superusers (the staff pages do the work)."""

from core.admin_fallback import register_fallback

register_fallback("curriculum", audit={"ModuleRevision"})
