"""The old-meter label (seed 000 ch.4 §5.1: DN40 and above carry a label with the customer's name and
the connection point's number, kept by area a month for review): the label's fields and a QR code of
the return number, drawn as one SVG path from reportlab's QR encoder (no image file, no script, no
style attribute, so the Content-Security-Policy and the print page need nothing more)."""

from dataclasses import dataclass
from datetime import date

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from reportlab.graphics.barcode import qrencoder

from kefu.meters.models import OldMeterReturn

QUIET_ZONE = 2  # modules of white around the code


def qr_svg(text: str, *, size_mm: int = 24) -> SafeString:
    """An inline SVG QR code (error correction M) of `text`."""
    code = qrencoder.QRCode(None, qrencoder.QRErrorCorrectLevel.M)
    code.addData(text)
    code.make()
    count = code.getModuleCount()
    side = count + 2 * QUIET_ZONE
    path = "".join(
        f"M{col + QUIET_ZONE} {row + QUIET_ZONE}h1v1h-1z"
        for row in range(count)
        for col in range(count)
        if code.isDark(row, col)
    )
    return mark_safe(  # noqa: S308 - built here from digits and an escaped label, no outside markup
        f'<svg class="qr" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {side} {side}" '
        f'width="{size_mm}mm" height="{size_mm}mm" shape-rendering="crispEdges" role="img" '
        f'aria-label="{escape(text)}"><rect width="{side}" height="{side}" fill="#fff"/>'
        f'<path d="{path}" fill="#000"/></svg>'
    )


@dataclass(frozen=True)
class Label:
    number: str
    customer_name: str
    connection_point_no: str
    meter_number: str
    caliber_dn: int
    returned_on: date
    keep_until: date | None
    area: str
    branch: str

    @property
    def qr(self) -> SafeString:
        return qr_svg(self.number)


def label_for(old_return: OldMeterReturn) -> Label:
    """Needs old_return with meter__service_point__customer and __service_area, and branch, loaded."""
    point = old_return.meter.service_point
    return Label(
        number=old_return.number,
        customer_name=point.customer.name,
        connection_point_no=point.connection_point_no,
        meter_number=old_return.meter.number,
        caliber_dn=old_return.meter.caliber_dn,
        returned_on=old_return.returned_on,
        keep_until=old_return.keep_until,
        area=point.service_area.name,
        branch=str(old_return.branch),
    )
