"""One action, one label: every call on the front page to start an application says the same thing."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from curriculum.tests.factories import ProgrammeFactory

from .factories import IntakeFactory

pytestmark = pytest.mark.django_db


class MainLinks(HTMLParser):
    """The text (visually hidden parts included, as a screen reader hears it) of each link inside <main>."""

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.href = None
        self.links = []  # (href, text)
        self.text = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        elif tag == "a" and self.in_main:
            self.href, self.text = dict(attrs).get("href"), []

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif tag == "a" and self.href is not None:
            self.links.append((self.href, " ".join("".join(self.text).split())))
            self.href = None

    def handle_data(self, data):
        if self.href is not None:
            self.text.append(data)


def links_to_apply(client):
    parser = MainLinks()
    parser.feed(client.get(reverse("home")).content.decode())
    return [text for href, text in parser.links if href == reverse("admissions:apply")]


def test_every_link_to_the_application_start_on_the_front_page_says_start_your_application(client):
    IntakeFactory(programme=ProgrammeFactory())

    labels = links_to_apply(client)

    # The hero, the admissions panel with the deadline, and the "How to apply" section.
    assert labels == ["Start your application"] * 3


def test_with_no_intake_open_the_panel_gives_the_next_opening_without_another_button(client):
    IntakeFactory(upcoming=True)

    html = client.get(reverse("home")).content.decode()

    assert "The next intake" in html and "opens on" in html
    assert links_to_apply(client) == ["Start your application"] * 2
