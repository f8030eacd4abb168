"""HTTP answers the API and the pages both give (licensing.web never imports licensing.api: what both need is here)."""
from django.http import FileResponse, HttpResponse


def document_response(document) -> FileResponse:
    """Serve a stored document (an uploaded file with `file`, `original_name` and `content_type`, its type
    checked on upload) as an attachment, under its original name."""
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=document.original_name, content_type=document.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def pdf_response(body: bytes, filename: str) -> HttpResponse:
    """A generated PDF (licence, decision letter) as an attachment."""
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
