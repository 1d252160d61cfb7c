def seed_demo(*, password, stdout):
    pass
