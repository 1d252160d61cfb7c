from .public import home, module_detail, module_list, programme_detail, programme_list  # noqa: F401
