"""The documents a decision produces, as real PDFs built from the record (so the text always matches it), each sealed
with the office's certificate (a PAdES signature: licensing.core.signing).

A document goes out in its recipient's language (Organisation.language: Dutch unless the holder chose English),
whoever downloads it: the officer sees the letter the exporter received. Dates, amounts and country names follow
that language too.
"""
from io import BytesIO
from xml.sax.saxutils import escape

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from licensing.core.signing import pdf_seal
from licensing.reference.frameworks import basis_text

from licensing.core.errors import Conflict

from .models import REPLACING_OUTCOMES, Decision, Licence, Objection, ObjectionOutcome, ObjectionStatus, Outcome, Source
from .decisions import NEGATIVE_VERDICT, NO_RIGHTS, POSITIVE_VERDICT
from .objections import OBJECTION_TERM, objection_term_ends


def document_language(organisation) -> str:
    """The language of the documents for an organisation (the default language when there is none)."""
    return getattr(organisation, "language", "") or settings.LANGUAGE_CODE


def _authority() -> str:
    return _("Centrale Dienst voor In- en Uitvoer (CDIU), on behalf of the Minister for Foreign Trade")


def _document(title: str, story: list) -> bytes:
    """The PDF, sealed with the office's certificate (PAdES; licensing.core.signing): a copy that proves who issued it
    and that not a byte changed since. Without a usable certificate nothing goes out (SigningUnavailable)."""
    buffer = BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, title=title, author=_authority(), leftMargin=20 * mm, rightMargin=20 * mm)
    doc.build(story)
    return pdf_seal(buffer.getvalue(), reason=title)


def _p(text: str, style) -> Paragraph:
    return Paragraph(escape(str(text)).replace("\n", "<br/>"), style)


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _amount(value) -> str:
    return number_format(value, 2, use_l10n=True, force_grouping=True)


def _country(country) -> str:
    return country.name


def _grid_table(rows: list, widths: list) -> Table:
    """A table with a header row, ruled, repeating its header on every page (goods, denied lines and destinations)."""
    table = Table(rows, colWidths=widths, repeatRows=1)
    table.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.25, colors.grey), ("BACKGROUND", (0, 0), (-1, 0), colors.lightgrey), ("VALIGN", (0, 0), (-1, -1), "TOP")]))
    return table


def _facts_table(rows: list[tuple[str, str]], styles) -> Table:
    table = Table([[_p(k, styles["Heading6"]), _p(v, styles["BodyText"])] for k, v in rows], colWidths=[45 * mm, 125 * mm])
    table.setStyle(TableStyle([("VALIGN", (0, 0), (-1, -1), "TOP"), ("LINEBELOW", (0, 0), (-1, -1), 0.25, colors.grey)]))
    return table


def _objection_clause(decision: Decision, styles) -> list:
    """Every decision letter tells the holder how to object (Awb 3:45): within six weeks after the day it was sent."""
    return [
        Spacer(1, 6 * mm),
        _p(_("Objection"), styles["Heading3"]),
        _p(
            _(
                "If you do not agree with this decision, you may lodge a notice of objection within six weeks after the day it "
                "was sent, that is by %(date)s at the latest, with the %(authority)s. Lodge it online in the licensing system "
                "with the application %(reference)s, stating your name and address, the date, the decision you object to and "
                "the grounds of your objection (General Administrative Law Act, Articles 6:5 and 6:7)."
            )
            % {"date": _date(objection_term_ends(decision)), "authority": _authority(), "reference": decision.reference},
            styles["BodyText"],
        ),
    ]


def _quantity(line) -> str:
    return f"{number_format(line.quantity.normalize(), use_l10n=True, force_grouping=True) if line.quantity is not None else '-'} {line.unit}"


def _denied_lines(decision: Decision, styles, *, all_denied: bool) -> list:
    """The goods lines denied (issue 18.2), each with the legal basis of its denial, in the letter's language; the
    licence lists the lines issued. A decision denied whole, whose lines all rest on its grounds, needs no list."""
    denied = [line for line in decision.lines.all() if line.outcome == Outcome.DENIED]
    if not denied or (all_denied and all(line.criteria == decision.criteria for line in denied)):
        return []
    language = translation.get_language()
    header = ["#", _("Control entry"), _("Description"), _("Quantity"), _("Denied on")]
    rows = [header] + [
        [
            str(line.position + 1), line.control_entry, _p(line.description, styles["BodyText"]), _quantity(line),
            _p(basis_text(line.criteria, language=language) or "-", styles["BodyText"]),
        ]
        for line in denied
    ]
    table = _grid_table(rows, [8 * mm, 25 * mm, 62 * mm, 25 * mm, 50 * mm])
    story = [Spacer(1, 6 * mm), _p(_("Goods lines denied"), styles["Heading3"]), table]
    for line in denied:
        if line.reasons:
            story.append(_p(_("Line %(line)s: %(reasons)s") % {"line": line.position + 1, "reasons": line.reasons}, styles["BodyText"]))
    if not all_denied:
        story += _partial_denial_reasons(decision, styles, _(
            "The denial of these lines is notified to the other EU member states; they consult %(state)s before granting an essentially identical transaction."
        ))
    return story


def _denied_destinations(decision: Decision, styles) -> list:
    """The destinations an issued licence leaves out (issue 18.2), each with the legal basis of its denial, in the
    letter's language; the licence lists the destinations it covers."""
    denied = list(decision.denied_destinations.all())
    if not denied:
        return []
    language = translation.get_language()
    rows = [[_("Destination"), _("Denied on")]] + [
        [d.country_id, _p(basis_text(d.criteria, language=language) or "-", styles["BodyText"])] for d in denied
    ]
    table = _grid_table(rows, [30 * mm, 140 * mm])
    story = [Spacer(1, 6 * mm), _p(_("Destinations denied"), styles["Heading3"]), table]
    for d in denied:
        if d.reasons:
            story.append(_p(_("Destination %(country)s: %(reasons)s") % {"country": d.country_id, "reasons": d.reasons}, styles["BodyText"]))
    if not any(line.outcome == Outcome.DENIED for line in decision.lines.all()):  # else _denied_lines says it
        story += _partial_denial_reasons(decision, styles, _(
            "The denial of these destinations is notified to the other EU member states; they consult %(state)s before granting an essentially identical transaction."
        ))
    return story


def _partial_denial_reasons(decision: Decision, styles, notified: str) -> list:
    """A licence's letter that denies some lines or destinations: the decision's reasons, and that the denial is
    notified (`notified`: what was denied, with %(state)s for the notifying state)."""
    return [
        _p(_("Reasons"), styles["Heading3"]),
        _p(decision.reasons, styles["BodyText"]),
        Spacer(1, 4 * mm),
        _p(notified % {"state": settings.NOTIFYING_STATE}, styles["BodyText"]),
    ]


def _appeal_clause(decided_on, styles) -> list:
    """A decision on objection is appealed at the court, not objected to again (Awb 7:1, 8:1, 6:7; Awb 3:45)."""
    return [
        Spacer(1, 6 * mm),
        _p(_("Appeal"), styles["Heading3"]),
        _p(
            _(
                "If you do not agree with this decision on your objection, you may lodge an appeal (beroep) within six weeks "
                "after the day it was sent, that is by %(date)s at the latest, with the administrative law section of the "
                "district court (rechtbank) of the place where you are established; from abroad, with the District Court "
                "of The Hague. State your name and address, the date, the decision you appeal against and the grounds of "
                "your appeal, and enclose a copy of this decision. A court fee is charged (General Administrative Law Act, "
                "Articles 6:5, 6:7, 8:1 and 8:7)."
            )
            % {"date": _date(decided_on + OBJECTION_TERM)},
            styles["BodyText"],
        ),
    ]


def _remedy_clause(decision: Decision, styles) -> list:
    """How to challenge this decision: objection to the office, or for a decision on objection appeal at the court."""
    if decision.on_objection_id:
        return _appeal_clause(decision.decided_on, styles)
    return _objection_clause(decision, styles)


def decision_document(decision: Decision) -> tuple[bytes, str]:
    """The PDF of a decision and its file name: the licence for an issued licence, else the decision letter."""
    licence = Licence.objects.filter(decision=decision).select_related("decision").prefetch_related("lines", "destinations", "decision__lines", "decision__denied_destinations").first()
    if licence is not None:
        return licence_pdf(licence), f"{licence.number}.pdf".replace("/", "_")
    return decision_letter_pdf(decision), f"{decision.reference}-{decision.outcome}.pdf".replace("/", "_")


def licence_pdf(licence: Licence) -> bytes:
    with translation.override(document_language(licence.holder)):
        return _licence_pdf(licence)


def _licence_pdf(licence: Licence) -> bytes:
    styles = getSampleStyleSheet()
    destinations = ", ".join(f"{_country(c)} ({c.code})" for c in licence.destinations.all())
    kind = _("%(kind)s licence, %(goods)s, %(movement)s") % {
        "kind": licence.get_kind_display(),
        "goods": licence.get_goods_kind_display().lower(),
        "movement": licence.get_movement_display().lower(),
    }
    story = [
        _p(_("Export licence for strategic goods"), styles["Title"]),
        _p(_("Licence number %(number)s") % {"number": licence.number}, styles["Heading2"]),
        _facts_table(
            [
                (_("Holder"), licence.holder_name),
                (_("Kind"), kind),
                (_("Destinations"), destinations),
                (_("Consignee"), licence.consignee or "-"),
                (_("End user"), licence.end_user or "-"),
                (_("Valid"), _("from %(start)s to %(end)s") % {"start": _date(licence.valid_from), "end": _date(licence.valid_to)}),
                (_("Maximum value"), f"EUR {_amount(licence.value_eur)}"),
                (_("Application"), licence.decision.reference),
            ],
            styles,
        ),
        Spacer(1, 6 * mm),
        _p(_("Goods"), styles["Heading3"]),
    ]
    header = ["#", _("Control entry"), _("Description"), _("Quantity"), _("Value (EUR)")]
    rows = [header] + [
        [
            str(i + 1),
            line.control_entry,
            _p(line.description, styles["BodyText"]),
            _quantity(line),
            _amount(line.value_eur),
        ]
        for i, line in enumerate(licence.lines.all())
    ]
    goods = _grid_table(rows, [8 * mm, 25 * mm, 82 * mm, 25 * mm, 30 * mm])
    story += [goods, Spacer(1, 6 * mm), _p(_("Conditions"), styles["Heading3"])]
    obligations = list(licence.obligations.order_by("id"))
    if licence.conditions or not obligations:
        story.append(_p(licence.conditions or _("None beyond the law."), styles["BodyText"]))
    for i, condition in enumerate(obligations, start=1):
        # The text in the letter's language, with the date by which the holder must meet it.
        text = condition.text
        if condition.due_on:
            text = _("%(text)s To be met by %(date)s.") % {"text": text, "date": _date(condition.due_on)}
        story.append(_p(f"{i}. {text}", styles["BodyText"]))
    story += _denied_lines(licence.decision, styles, all_denied=False)
    story += _denied_destinations(licence.decision, styles)
    story += _remedy_clause(licence.decision, styles)
    story += [Spacer(1, 10 * mm), _p(_("Issued by the %(authority)s.") % {"authority": _authority()}, styles["Italic"])]
    return _document(_("Licence %(number)s") % {"number": licence.number}, story)


def _application_of(decision: Decision):
    """The application a decision was taken on: its own, or for one replaced on objection (detached from it) the
    objection's."""
    if decision.application is not None:
        return decision.application
    objection = Objection.objects.filter(decision=decision).select_related("application__organisation").first()
    return objection.application if objection else None


def decision_letter_pdf(decision: Decision) -> bytes:
    """The letter for a denial (citing its legal basis), a sondage answer, or a classification ruling."""
    application = _application_of(decision)
    organisation = application.organisation if application is not None else None
    with translation.override(document_language(organisation)):
        return _decision_letter_pdf(decision)


def _decision_letter_pdf(decision: Decision) -> bytes:
    styles = getSampleStyleSheet()
    application = _application_of(decision)
    title = {
        Outcome.DENIED: _("Denial of an export licence application"),
        Outcome.ANSWERED: _("Indicative answer to a sondage"),
        Outcome.RULED: _("Classification ruling"),
        Outcome.ISSUED: _("Licence decision"),
    }[decision.outcome]
    rows = [(_("Application"), decision.reference), (_("Decided on"), _date(decision.decided_on))]
    if application is not None:
        rows.insert(0, (_("Applicant"), application.organisation.name))
        rows.append((_("Destinations"), ", ".join(c.code for c in application.destinations.all()) or "-"))
    story = [_p(title, styles["Title"]), _facts_table(rows, styles), Spacer(1, 6 * mm)]
    if decision.outcome == Outcome.DENIED:
        # The basis actually used: the cited grounds with their acts, in the letter's language (reference.frameworks).
        basis = basis_text(decision.criteria, language=translation.get_language())
        story += [
            _p(_("The application is denied on %(basis)s.") % {"basis": basis} if basis else _("The application is denied."), styles["BodyText"]),
            *_denied_lines(decision, styles, all_denied=True),
            _p(_("Reasons"), styles["Heading3"]),
            _p(decision.reasons, styles["BodyText"]),
            Spacer(1, 4 * mm),
            _p(
                _(
                    "This denial is notified to the other EU member states; they consult %(state)s before granting an "
                    "essentially identical transaction."
                )
                % {"state": settings.NOTIFYING_STATE},
                styles["BodyText"],
            ),
        ]
    elif decision.outcome == Outcome.ANSWERED:
        # The record keeps the verdict and the caveat in English around the officer's answer (`reasons`); the
        # letter gives them in its own language. An answer recorded otherwise (imported) is printed as it is.
        verdict = next((v for v in (POSITIVE_VERDICT, NEGATIVE_VERDICT) if decision.indicative_answer.startswith(v)), None)
        if verdict is not None and decision.indicative_answer.endswith(NO_RIGHTS):
            story += [_p(_(verdict), styles["BodyText"]), _p(decision.reasons, styles["BodyText"]), Spacer(1, 4 * mm), _p(_(NO_RIGHTS), styles["BodyText"])]
        else:
            story += [_p(decision.indicative_answer, styles["BodyText"])]
        if decision.negative_answer and decision.criteria:
            story += [
                Spacer(1, 4 * mm),
                _p(
                    _("The negative answer rests on criteria %(criteria)s of Council Common Position 2008/944/CFSP and is notified to the other EU member states as a denial.")
                    % {"criteria": ", ".join(str(c) for c in decision.criteria)},
                    styles["BodyText"],
                ),
            ]
    elif decision.outcome == Outcome.RULED:
        ruling = _("The item is not listed.") if decision.ruling_not_listed else _("The item falls under control entry %(entry)s.") % {"entry": decision.ruling_entry}
        story += [_p(ruling, styles["Heading3"]), *_goods_ruled_on(application, styles), _p(decision.reasons, styles["BodyText"])]
    if decision.source == Source.SYSTEM:  # a decision imported from a previous system was sent from there
        story += _remedy_clause(decision, styles)
    story += [Spacer(1, 10 * mm), _p(f"{_authority()}.", styles["Italic"])]
    return _document(f"{title} {decision.reference}", story)


def _goods_ruled_on(application, styles) -> list:
    """The goods the ruling is about, as the application described them: a ruling that does not name them proves
    nothing at the border."""
    if application is None:
        return []
    rows = [[_("Description"), _("Manufacturer / part number"), _("Entry applied for")]] + [
        [_p(line.description, styles["BodyText"]), _p(" ".join(filter(None, [line.manufacturer, line.part_number])) or "-", styles["BodyText"]), line.control_entry or "-"]
        for line in application.goods.all()
    ]
    if len(rows) == 1:
        return []
    table = _grid_table(rows, [90 * mm, 50 * mm, 30 * mm])
    return [_p(_("Goods ruled on"), styles["Heading4"]), table, Spacer(1, 4 * mm)]


def objection_letter_pdf(objection: Objection) -> bytes:
    """The decision on an objection (beslissing op bezwaar, Awb 7:11, 7:12), in the holder's language: the outcome and
    its reasons, the hearing, the new decision that replaces the one objected to, and the appeal clause."""
    application = objection.application
    with translation.override(document_language(application.organisation)):
        styles = getSampleStyleSheet()
        title = _("Decision on objection")
        decided_on = timezone.localtime(objection.decided_at).date()
        rows = [
            (_("Applicant"), application.organisation.name),
            (_("Application"), application.reference),
            (_("Decision objected to"), _("%(reference)s of %(date)s") % {"reference": objection.decision.reference, "date": _date(objection.decision.decided_on)}),
            (_("Objection received"), _date(timezone.localtime(objection.lodged_at).date())),
            (_("Decided on"), _date(decided_on)),
        ]
        story = [_p(title, styles["Title"]), _facts_table(rows, styles), Spacer(1, 6 * mm)]
        verdict = {
            ObjectionOutcome.WELL_FOUNDED: _("Your objection is well-founded. The decision objected to is revoked and replaced by the new decision below."),
            ObjectionOutcome.PARTLY_WELL_FOUNDED: _("Your objection is partly well-founded. The decision objected to is revoked and replaced by the new decision below."),
            ObjectionOutcome.UNFOUNDED: _("Your objection is unfounded. The decision objected to stands."),
            ObjectionOutcome.INADMISSIBLE: _("Your objection is inadmissible: it is not considered on its merits. The decision objected to stands."),
        }[objection.outcome]
        story.append(_p(verdict, styles["Heading3"]))
        if objection.late:
            story.append(_p(_("The objection was received after the objection term ended on %(date)s (General Administrative Law Act, Article 6:9).") % {"date": _date(objection.term_ends_on)}, styles["BodyText"]))
        if objection.hearing_on:
            story.append(_p(_("You were heard on %(date)s; the minutes are part of the file.") % {"date": _date(objection.hearing_on)}, styles["BodyText"]))
        story += [_p(_("Reasons"), styles["Heading3"]), _p(objection.outcome_reasons, styles["BodyText"])]
        new = objection.new_decision
        if objection.outcome in REPLACING_OUTCOMES and new is not None:
            licence = Licence.objects.filter(decision=new).first()
            story += [_p(_("The new decision"), styles["Heading3"]), _p(_("%(outcome)s, reference %(reference)s.") % {"outcome": new.get_outcome_display(), "reference": new.reference}, styles["BodyText"])]
            if licence is not None:
                story.append(_p(_("Licence %(number)s is issued in place of the earlier one; it is enclosed separately.") % {"number": licence.number}, styles["BodyText"]))
            elif new.outcome == Outcome.DENIED:
                basis = basis_text(new.criteria, language=translation.get_language())
                story.append(_p(_("The application is denied on %(basis)s.") % {"basis": basis} if basis else _("The application is denied."), styles["BodyText"]))
            if new.reasons and licence is None:
                story.append(_p(new.reasons, styles["BodyText"]))
        story += _appeal_clause(decided_on, styles)
        story += [Spacer(1, 10 * mm), _p(f"{_authority()}.", styles["Italic"])]
        return _document(f"{title} {objection.decision.reference}", story)


def objection_document(objection: Objection) -> tuple[bytes, str]:
    """The letter of a decided objection and its file name; an objection not decided yet has none (409)."""
    if objection.status != ObjectionStatus.DECIDED:
        raise Conflict(_("The objection has not been decided yet; there is no letter."))
    return objection_letter_pdf(objection), f"{objection.decision.reference}-objection-{objection.pk}.pdf".replace("/", "_")


def set_aside_letter_pdf(application, *, set_aside_on, reason: str, questions) -> bytes:
    """The letter setting an application aside (buiten behandeling stellen, Awb 4:5): which questions went unanswered
    by their date, in the holder's language."""
    with translation.override(document_language(application.organisation)):
        styles = getSampleStyleSheet()
        title = _("Application set aside")
        rows = [(_("Applicant"), application.organisation.name), (_("Application"), application.reference), (_("Set aside on"), _date(set_aside_on))]
        story = [
            _p(title, styles["Title"]),
            _facts_table(rows, styles),
            Spacer(1, 6 * mm),
            _p(
                _(
                    "The licensing office asked you for further information needed to decide on this application and "
                    "did not receive it by the date given. Under article 4:5 of the General Administrative Law Act "
                    "(Algemene wet bestuursrecht) the application is set aside: it is not dealt with any further."
                ),
                styles["BodyText"],
            ),
            _p(_("Questions not answered"), styles["Heading3"]),
        ]
        for question in questions:
            due = _date(question.due_on) if question.due_on else "-"
            story.append(_p(_("%(text)s (to be answered by %(due)s)") % {"text": question.text, "due": due}, styles["BodyText"]))
        if reason:
            story += [_p(_("Reasons"), styles["Heading3"]), _p(reason, styles["BodyText"])]
        story += [
            Spacer(1, 4 * mm),
            _p(_("You may file a new application at any time. You may object to this decision within six weeks."), styles["BodyText"]),
            Spacer(1, 10 * mm),
            _p(f"{_authority()}.", styles["Italic"]),
        ]
        return _document(f"{title} {application.reference}", story)


def set_aside_document(application) -> tuple[bytes, str]:
    """The set-aside letter of an application that was set aside, read from its record and its event."""
    from licensing.audit.models import Event

    event = Event.objects.filter(target_type=application._meta.label_lower, target_id=str(application.pk), verb="application.set_aside").order_by("-id").first()
    questions = application.questions.filter(pk__in=(event.payload.get("questions", []) if event else [])).order_by("asked_at", "id")
    body = set_aside_letter_pdf(application, set_aside_on=(event.at if event else application.decided_at).date(), reason=event.reason if event else "", questions=list(questions))
    return body, f"{application.reference}-set-aside.pdf".replace("/", "_")


def application_document(application) -> tuple[bytes, str] | None:
    """The document that closed an application, for its pages and the API alike: the licence or the decision letter,
    or the letter setting it aside; None while there is none."""
    decision = Decision.objects.filter(application=application).first()
    if decision is not None:
        return decision_document(decision)
    if application.status == "set_aside":
        return set_aside_document(application)
    return None
