"""The documents people take away, rendered from the convention: the printable convention (PDF) and the
rows of the agency's CSV export (streamed page by page). Pure: values in, bytes out."""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date, datetime

from fpdf import FPDF
from fpdf.enums import XPos, YPos

from services.contracts.events.placements import Attendance, ProjectConclusion
from services.kit.spreadsheet import safe_row, spreadsheet_csv
from services.placements.domain.convention import Convention
from services.placements.domain.lifecycle import STATUS_LABELS, Status
from services.placements.domain.limits import WEEKDAYS, days_of
from services.placements.domain.terms import OBJECTIVE_LABELS, ROLE_LABELS, Assessment, Terms
from services.placements.domain.working_days import FRANCE
from services.reference import labels, places

PRINTABLE = frozenset(
    {
        Status.VALIDATED,
        Status.IN_PROGRESS,
        Status.COMPLETED,
        Status.ASSESSMENT_SUBMITTED,
        Status.ASSESSED,
        Status.RENEWED,
    }
)

DAY_LABELS = dict(zip(WEEKDAYS, ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche"), strict=True))
TYPOGRAPHY = {
    "\u2019": "'",
    "\u2018": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u0153": "oe",
    "\u0152": "OE",
    "\u2013": "-",
    "\u2014": "-",
    "\u2026": "...",
    "\u202f": " ",
}


def _latin1(text: str) -> str:
    """The PDF's built-in fonts cover Latin-1, which holds French but for a few typographic signs."""
    for sign, plain in TYPOGRAPHY.items():
        text = text.replace(sign, plain)
    return text.encode("latin-1", "replace").decode("latin-1")


def _french(day: date) -> str:
    return day.strftime("%d/%m/%Y")


class _Convention(FPDF):
    def section(self, title: str) -> None:
        self.ln(3)
        self.set_font("Helvetica", "B", 12)
        self.cell(0, 7, _latin1(title), new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        self.set_font("Helvetica", "", 10)

    def line_of(self, label: str, value: str) -> None:
        self.set_font("Helvetica", "B", 10)
        self.cell(55, 6, _latin1(label))
        self.set_font("Helvetica", "", 10)
        self.multi_cell(0, 6, _latin1(value), new_x=XPos.LMARGIN, new_y=YPos.NEXT)


def convention_pdf(convention: Convention, agency_name: str) -> bytes:
    terms = convention.terms
    place = places.place(terms.host.place_id)
    pdf = _Convention(format="A4")
    pdf.set_title(_latin1(f"Convention PMSMP {convention.id}"))
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 15)
    # each block goes back to the left margin: a multi_cell otherwise leaves the next one where its last line
    # ended, and the legal line drawn from there ran off the page
    pdf.multi_cell(
        0,
        8,
        _latin1("Convention de période de mise en situation en milieu professionnel (PMSMP)"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.set_font("Helvetica", "", 9)
    pdf.multi_cell(
        0,
        5,
        _latin1(f"Articles L5135-1 et suivants, D5135-1 et suivants du Code du travail - n° {convention.id}"),
        align="C",
        new_x=XPos.LMARGIN,
        new_y=YPos.NEXT,
    )
    pdf.section("Structure prescriptrice")
    pdf.line_of("Structure", agency_name or convention.agency_id)
    validated = convention.validated.at if convention.validated else None
    if validated is not None:
        pdf.line_of("Validée le", validated.astimezone(FRANCE).strftime("%d/%m/%Y"))
    pdf.section("Bénéficiaire")
    person = terms.beneficiary
    pdf.line_of("Nom", f"{person.first_name} {person.last_name}")
    pdf.line_of("Contact", " - ".join(c for c in (person.email, person.phone) if c))
    if terms.legal_representative is not None:
        pdf.line_of("Représentant légal", f"{terms.legal_representative.name} ({terms.legal_representative.email})")
    pdf.section("Entreprise d'accueil")
    pdf.line_of("Raison sociale", terms.host.name)
    pdf.line_of("SIRET", terms.host.siret)
    town = place.name if place else terms.host.place_id
    pdf.line_of("Adresse", terms.host.address if town in terms.host.address else f"{terms.host.address}, {town}")
    pdf.line_of("Signataire", f"{terms.host.contact_name} ({terms.host.email})")
    pdf.line_of("Tuteur", f"{terms.tutor.name}, {terms.tutor.job_title} ({terms.tutor.email})")
    pdf.section("Objet de la période")
    pdf.line_of("Objectif", OBJECTIVE_LABELS[terms.objective])
    pdf.line_of("Métier", labels.job_with_code(terms.rome_code))
    pdf.line_of("Objectifs opérationnels", "\n".join(f"- {o}" for o in terms.operational_objectives))
    pdf.line_of("Évaluation", terms.evaluation)
    pdf.line_of("Activités confiées", terms.tasks)
    pdf.section("Dates, lieu et horaires")
    days = days_of(terms.start_date, terms.end_date)
    pdf.line_of("Période", f"du {_french(terms.start_date)} au {_french(terms.end_date)} ({days} jours)")
    pdf.line_of("Lieu", terms.workplace or terms.host.address)
    hours = ", ".join(f"{DAY_LABELS[d]} {h:g} h" for d, h in terms.schedule.items() if h)
    pdf.line_of("Horaires", f"{hours} (total {sum(terms.schedule.values()):g} h par semaine)")
    pdf.section("Signatures")
    for role, when in sorted(convention.signatures.items()):
        pdf.line_of(ROLE_LABELS[role], f"a signé électroniquement le {when.astimezone(FRANCE):%d/%m/%Y}")
    pdf.line_of("Prescripteur", f"validé par {agency_name}" if validated else "en attente de validation")
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        _latin1(
            "La PMSMP n'est pas rémunérée ; le bénéficiaire conserve son statut. Elle ne peut pas pourvoir un poste "
            "permanent, faire face à un accroissement temporaire d'activité, occuper un emploi saisonnier ou remplacer "
            "un salarié absent."
        ),
    )
    return bytes(pdf.output())


HIRED: dict[object, str] = {True: "oui", False: "non"}
ATTENDANCE_LABELS: dict[str, str] = {
    Attendance.COMPLETED: "effectuée",
    Attendance.PARTLY: "en partie",
    Attendance.DID_NOT_SHOW: "non venu",
}
CONCLUSION_LABELS: dict[str, str] = {
    ProjectConclusion.CONFIRMED: "confirmé",
    ProjectConclusion.ADJUSTED: "ajusté",
    ProjectConclusion.DROPPED: "abandonné",
}
CSV_COLUMNS = (
    "convention_id",
    "statut",
    "bénéficiaire",
    "entreprise d'accueil",
    "SIRET",
    "objectif",
    "métier",
    "code ROME",
    "début",
    "fin",
    "jours",
    "renouvellement de",
    "présence",
    "embauche",
    "conclusion du projet",
    "créée le",
)


@dataclass(frozen=True)
class Summary:
    """What an export row reads of a convention."""

    convention_id: str
    status: Status
    terms: Terms
    assessment: Assessment | None
    renewal_of: str | None
    created_at: datetime | None


async def csv_export(pages: AsyncIterator[list[Summary]]) -> AsyncIterator[bytes]:
    """The export as it is read, page by page: the header (with the BOM spreadsheets need), then each
    page's rows."""
    yield spreadsheet_csv(CSV_COLUMNS, [])
    async for page in pages:
        out = io.StringIO()
        csv.writer(out, delimiter=";").writerows(safe_row(_csv_row(d)) for d in page)
        yield out.getvalue().encode()


def _csv_row(s: Summary) -> tuple[object, ...]:
    terms, assessment = s.terms, s.assessment
    person = terms.beneficiary
    return (
        s.convention_id,
        STATUS_LABELS[s.status],
        f"{person.first_name} {person.last_name}",
        terms.host.name,
        terms.host.siret,
        OBJECTIVE_LABELS[terms.objective],
        labels.job(terms.rome_code),
        terms.rome_code,
        terms.start_date.isoformat(),
        terms.end_date.isoformat(),
        days_of(terms.start_date, terms.end_date),
        s.renewal_of or "",
        ATTENDANCE_LABELS.get(assessment.attendance, "") if assessment else "",
        HIRED.get(assessment.hired, "") if assessment else "",
        CONCLUSION_LABELS.get(assessment.project_conclusion, "") if assessment else "",
        s.created_at.date().isoformat() if s.created_at is not None else "",
    )
