"""PDF reports read back with PDFium (the pypdfium2 wheel): page images and text, no system tools."""

from __future__ import annotations

import pypdfium2 as pdfium
from PIL import Image

POINTS_PER_INCH = 72


def pdf_page_images(pdf: bytes, pages: int, dpi: int) -> list[Image.Image]:
    """The first `pages` pages drawn at `dpi`, as RGB images."""
    document = pdfium.PdfDocument(pdf)
    try:
        return [
            document[index].render(scale=dpi / POINTS_PER_INCH).to_pil().convert("RGB")
            for index in range(min(pages, len(document)))
        ]
    finally:
        document.close()


def pdf_text(pdf: bytes) -> str:
    """Every page's text, in page order."""
    document = pdfium.PdfDocument(pdf)
    try:
        return "\n".join(page.get_textpage().get_text_range() for page in document)
    finally:
        document.close()
