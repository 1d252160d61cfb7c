"""Cards on the staff area's front page (/staff/), one per app.

An app registers a function that returns a `Card` for the signed-in person, or
None when that part of the programme is not theirs:

    # curriculum/apps.py, in ready()
    from core import staff_cards
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


# One context function per card builder, so that registering again (ready() can run
# twice) finds an equal Panel and panels.register adds nothing.
_contexts = {}


def _context_for(build):
    def context(*, request, **objects):
        card = build(request.user)
        return {"card": card} if card is not None else None

    return context


def register(build, *, order=100):
    """Show `build(user)`'s card on /staff/ (nothing when it returns None)."""
    if build not in _contexts:
        _contexts[build] = _context_for(build)
    return panels.register("staff_home", template="components/staff_card.html", context=_contexts[build],
                           order=order)
