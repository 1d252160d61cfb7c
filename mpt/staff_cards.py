"""Cards on the staff area's front page (/staff/), one per app.

An app registers a function that returns a `Card` for the signed-in person, or
None when that part of the programme is not theirs:

    # curriculum/apps.py, in ready()
    from mpt import staff_cards
    staff_cards.register(curriculum_card, order=10)

Each function does a fixed number of queries (one aggregate, as a rule), so the
page costs the same however much data there is.
"""

from dataclasses import dataclass, field

from . import panels


@dataclass(frozen=True)
class Line:
    """`count` things, described as `one` or `many` ("draft module", "draft modules")."""

    count: int
    one: str
    many: str
    url: str

    @property
    def label(self):
        return self.one if self.count == 1 else self.many


@dataclass(frozen=True)
class Card:
    key: str
    title: str
    more_url: str
    more_label: str
    lines: list[Line] = field(default_factory=list)

    @property
    def more(self):
        return {"url": self.more_url, "label": self.more_label}


def register(build, *, order=100):
    """Show `build(user)`'s card on /staff/ (nothing when it returns None)."""

    def context(*, request, **objects):
        card = build(request.user)
        return {"card": card} if card is not None else None

    context.build = build  # one registration per function, however often ready() runs
    for panel in panels.panels_for("staff_home"):
        if getattr(panel.context, "build", None) is build:
            return panel
    return panels.register("staff_home", template="components/staff_card.html", context=context, order=order)
