from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm

from core.admin_fallback import register_fallback

from .models import RoleChange, User


class UserCreationAdminForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")


class UserChangeAdminForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


class RoleChangeInline(admin.TabularInline):
    """The audit of roles, read-only: roles change through accounts.services."""

    model = RoleChange
    fk_name = "user"
    extra = 0
    can_delete = False
    fields = readonly_fields = ("at", "role", "change", "by", "note")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    inlines = [RoleChangeInline]
    form = UserChangeAdminForm
    add_form = UserCreationAdminForm
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "email_verified_at", "date_joined")
    list_filter = ("is_active", "is_staff", "is_superuser", "groups")
    search_fields = ("email", "full_name")
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Name", {"fields": ("full_name", "preferred_name")}),
        ("Roles and access", {"fields": ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined", "email_verified_at")}),
    )
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("email", "full_name", "password1", "password2")}),
    )


# Every other model, read-mostly, as a fallback (see core/admin_fallback.py).
register_fallback("accounts", audit={"RoleChange", "AccountChange"})
