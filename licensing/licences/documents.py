"""The documents a decision produces, as real PDFs built from the record (so the text always matches it)."""
from io import BytesIO

from django.conf import settings
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from xml.sax.saxutils import escape

from .models import Decision, Licence, Outcome

AUTHORITY = "Centrale Dienst voor In- en Uitvoer (CDIU), on behalf of the Minister for Foreign Trade"


def _document(title: str, story: list) -> bytes:
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=AUTHORITY, leftMargin=20 * mm, rightMargin=20 * mm)
    doc.build(story)
    return buffer.getvalue()


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _facts_table(rows: list[tuple[str, str]], styles) -> Table:
    table = Table([[_p(k, styles["Heading6"]), _p(v, styles["BodyText"])] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    return table


def licence_pdf(licence: Licence) -> bytes:
    styles = getSampleStyleSheet()
    destinations = ", ".join(f"{c.name_en} ({c.code})" for c in licence.destinations.all())
    story = [
        _p("Export licence for strategic goods", styles["Title"]),
        _p(f"Licence number {licence.number}", styles["Heading2"]),
        _facts_table(
            [
                ("Holder", licence.holder_name),
                ("Kind", f"{licence.get_kind_display()} licence, {licence.get_goods_kind_display().lower()}, {licence.get_movement_display().lower()}"),
                ("Destinations", destinations),
                ("Consignee", licence.consignee or "-"),
                ("End user", licence.end_user or "-"),
                ("Valid", f"from {licence.valid_from:%d-%m-%Y} to {licence.valid_to:%d-%m-%Y}"),
                ("Maximum value", f"EUR {licence.value_eur:,.2f}"),
                ("Application", licence.decision.reference),
            ],
            styles,
        ),
        Spacer(1, 6 * mm),
        _p("Goods", styles["Heading3"]),
    ]
    header = ["#", "Control entry", "Description", "Quantity", "Value (EUR)"]
    rows = [header] + [
        [str(i + 1), line.control_entry, _p(line.description, styles["BodyText"]), f"{line.quantity.normalize() if line.quantity is not None else '-'} {line.unit}", f"{line.value_eur:,.2f}"]
        for i, line in enumerate(licence.lines.all())
    ]
    goods = Table(rows, colWidths=[8 * mm, 25 * mm, 82 * mm, 25 * mm, 30 * mm], repeatRows=1)
    goods.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    story += [goods, Spacer(1, 6 * mm), _p("Conditions", styles["Heading3"]), _p(licence.conditions or "None beyond the law.", styles["BodyText"])]
    story += [Spacer(1, 10 * mm), _p(f"Issued by the {AUTHORITY}.", styles["Italic"])]
    return _document(f"Licence {licence.number}", story)


def decision_letter_pdf(decision: Decision) -> bytes:
    """The letter for a denial (citing the criteria), a sondage answer, or a classification ruling."""
    styles = getSampleStyleSheet()
    application = decision.application
    title = {
        Outcome.DENIED: "Denial of an export licence application",
        Outcome.ANSWERED: "Indicative answer to a sondage",
        Outcome.RULED: "Classification ruling",
        Outcome.ISSUED: "Licence decision",
    }[decision.outcome]
    rows = [("Application", decision.reference), ("Decided on", f"{decision.decided_on:%d-%m-%Y}")]
    if application is not None:
        rows.insert(0, ("Applicant", application.organisation.name))
        rows.append(("Destinations", ", ".join(c.code for c in application.destinations.all()) or "-"))
    story = [_p(title, styles["Title"]), _facts_table(rows, styles), Spacer(1, 6 * mm)]
    if decision.outcome == Outcome.DENIED:
        criteria = ", ".join(str(c) for c in decision.criteria)
        story += [
            _p(f"The application is denied on criteria {criteria} of Council Common Position 2008/944/CFSP.", styles["BodyText"]),
            _p("Reasons", styles["Heading3"]),
            _p(decision.reasons, styles["BodyText"]),
            Spacer(1, 4 * mm),
            _p(
                f"This denial is notified to the other EU member states; they consult {settings.NOTIFYING_STATE} before granting an essentially identical transaction.",
                styles["BodyText"],
            ),
        ]
    elif decision.outcome == Outcome.ANSWERED:
        story += [_p(decision.indicative_answer, styles["BodyText"])]
    elif decision.outcome == Outcome.RULED:
        ruling = "The item is not listed." if decision.ruling_not_listed else f"The item falls under control entry {decision.ruling_entry}."
        story += [_p(ruling, styles["Heading3"]), _p(decision.reasons, styles["BodyText"])]
    story += [Spacer(1, 10 * mm), _p(f"{AUTHORITY}.", styles["Italic"])]
    return _document(f"{title} {decision.reference}", story)
