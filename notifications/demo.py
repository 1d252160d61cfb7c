"""Demo outbox content. Only `manage.py seed_demo` calls this."""


def seed_demo_outbox(*, stdout):
    pass
