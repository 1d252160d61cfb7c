"""The steps of an application, in order, and which of them are complete.

Form steps are complete when they were last saved with "Save and continue"
(full validation), recorded in `Application.completed_steps`. The documents
step is complete when every required document is uploaded.
"""

from dataclasses import dataclass

from . import forms
from .models import DocumentKind, IntakeQuestion


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    form_class: type | None = None
    template: str = "admissions/steps/form.html"


PERSONAL = Step("personal", "Your details", forms.PersonalForm)
EDUCATION = Step("education", "Education and work", forms.EducationForm)
CODING = Step("coding", "Your coding", forms.CodingForm, "admissions/steps/coding.html")
STATEMENT = Step("statement", "Personal statement", forms.StatementForm)
QUESTIONS = Step("questions", "Further questions", forms.QuestionsForm)
REFEREES = Step("referees", "Referees", forms.RefereesForm, "admissions/steps/referees.html")
DOCUMENTS = Step("documents", "Documents", None, "admissions/steps/documents.html")
CHECK = Step("check", "Check your answers and submit")

ALL_STEPS = [PERSONAL, EDUCATION, CODING, STATEMENT, QUESTIONS, REFEREES, DOCUMENTS]
BY_SLUG = {step.slug: step for step in ALL_STEPS}


def steps_for(intake, questions):
    """The form steps this intake's application has (questions only if it asks any)."""
    has_questions = any(q.kind != IntakeQuestion.Kind.FILE for q in questions)
    return [step for step in ALL_STEPS if step is not QUESTIONS or has_questions]


@dataclass(frozen=True)
class DocumentSlot:
    key: str
    label: str
    kind: str
    required: bool
    question: object = None
    hint: str = ""


DOCUMENT_HINTS = {
    DocumentKind.CV: "Two pages at most is ideal. Include links to things you have built.",
    DocumentKind.TRANSCRIPT: "Your degree transcript, or your results so far if you are still studying.",
    DocumentKind.PORTFOLIO: "A piece of writing or a project report that shows how you think.",
}


def document_slots(intake, questions):
    """What the documents step asks for: the intake's required documents and its file questions."""
    required = set(intake.required_documents)
    slots = [
        DocumentSlot(kind.value, kind.label, kind.value, kind.value in required, hint=DOCUMENT_HINTS[kind])
        for kind in (DocumentKind.CV, DocumentKind.TRANSCRIPT, DocumentKind.PORTFOLIO)
        if kind.value in required
    ]
    for question in questions:
        if question.kind == IntakeQuestion.Kind.FILE:
            slots.append(
                DocumentSlot(f"q{question.pk}", question.label, DocumentKind.ANSWER, question.required,
                             question, question.help_text)
            )
    return slots


def documents_for_slots(slots, documents):
    """{slot key: document} for the newest document filling each slot."""
    found = {}
    for document in documents:
        if document.kind == DocumentKind.ANSWER and document.question_id:
            key = f"q{document.question_id}"
        else:
            key = document.kind
        found[key] = document
    return {slot.key: found.get(slot.key) for slot in slots}


def step_status(application, questions, documents):
    """[(step, complete)] for the task list, plus whether all are complete."""
    steps = steps_for(application.intake, questions)
    slots = document_slots(application.intake, questions)
    filled = documents_for_slots(slots, documents)
    rows = []
    for step in steps:
        if step is DOCUMENTS:
            complete = all(filled[slot.key] is not None for slot in slots if slot.required)
        else:
            complete = step.slug in application.completed_steps
        rows.append((step, complete))
    return rows, all(complete for _step, complete in rows)
