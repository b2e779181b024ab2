"""Pages a user would hold up to be read, drawn with Pillow at test time: letters, an
invoice, a medicine leaflet, a newsletter in three columns, print small, large, serif and
pale. Each page comes with what is printed on it in reading order, block by block, so a
test can check the words, their order and the structure (headings, list items, tables).

Every scene takes its font and its texts as arguments: the QA pass tunes on one set
(:data:`TUNING`) and checks on another it was not tuned on (:data:`HELD_OUT`)."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from describe_app.core.reading.document import Block

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont

FONTS = Path("/usr/share/fonts/truetype/dejavu")


@dataclass(frozen=True)
class Face:
    """A font family: its regular and bold files."""

    regular: str
    bold: str

    def get(self, size: int, bold: bool = False) -> Font:
        path = FONTS / (self.bold if bold else self.regular)
        return (
            ImageFont.truetype(str(path), size) if path.exists() else ImageFont.load_default(size)
        )


SANS = Face("DejaVuSans.ttf", "DejaVuSans-Bold.ttf")
SERIF = Face("DejaVuSerif.ttf", "DejaVuSerif-Bold.ttf")
CONDENSED = Face("DejaVuSansCondensed.ttf", "DejaVuSansCondensed-Bold.ttf")


@dataclass
class Sheet:
    """A page being drawn and what is printed on it, block by block in reading order."""

    image: Image.Image
    blocks: list[Block] = field(default_factory=list)
    ink: tuple[int, int, int] = (20, 20, 20)

    @property
    def lines(self) -> list[str]:
        """The printed text in reading order (a table a row a line)."""
        return [line for block in self.blocks for line in block.text.split("\n")]

    def kinds(self) -> list[str]:
        return [block.kind for block in self.blocks]

    def write(self, x: float, y: float, text: str, font: Font) -> None:
        ImageDraw.Draw(self.image).text((x, y), text, font=font, fill=self.ink)

    def lines_at(
        self,
        x: float,
        y: float,
        lines: list[str],
        font: Font,
        pitch: float,
    ) -> float:
        """Lines one under the other from (x, y); the y under the last."""
        for line in lines:
            self.write(x, y, line, font)
            y += pitch
        return y


def wrapped(text: str, font: Font, width: float) -> list[str]:
    """``text`` broken into lines no wider than ``width`` pixels."""
    lines: list[str] = []
    for word in text.split():
        if lines and font.getlength(f"{lines[-1]} {word}") <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


@dataclass(frozen=True)
class Texts:
    """The words of the scenes: one set to tune on, one held out."""

    sender: list[str]
    recipient: list[str]
    date: str
    subject: str
    greeting: str
    body: list[str]
    closing: str
    name: str
    items: list[list[str]]
    total: str
    leaflet_title: str
    sections: list[str]
    bullets: list[str]
    steps: list[str]
    news_title: str
    news: list[str]


TUNING = Texts(
    sender=["Northfield Water Company", "12 Mill Road", "Leeds LS2 7QP"],
    recipient=["Mrs Alice Brown", "4 Orchard Close", "Harrogate HG1 2AB"],
    date="3 March 2025",
    subject="Your new water meter",
    greeting="Dear Mrs Brown,",
    body=[
        "Thank you for letting our engineer fit a new water meter at your home last week. "
        "The meter will be read every six months and your bills will show the readings.",
        "If you think a reading is wrong, please call us on the number at the top of this "
        "letter and we will visit again at no cost to you.",
    ],
    closing="Yours sincerely,",
    name="Peter Lang",
    items=[
        ["Garden hose", "2", "18.00"],
        ["Watering can", "1", "7.50"],
        ["Tap washer", "6", "3.00"],
    ],
    total="Total due 28.50",
    leaflet_title="Package leaflet: information for the patient",
    sections=["1. What this medicine is for", "2. Before you take it"],
    bullets=["headache and toothache", "period pain", "colds and flu"],
    steps=["a) if you are allergic to it", "b) if you have a stomach ulcer"],
    news_title="Village Hall Newsletter",
    news=[
        "The hall roof was mended in January after the storms and the main room is open "
        "again for classes and meetings on every weekday evening.",
        "Our spring fair raised money for new chairs and tables. Thank you to everyone who "
        "baked cakes, ran stalls or simply came along to buy.",
        "Bookings for the summer months open on the first of May. Please ask at the office "
        "or leave a message with the caretaker at any time.",
    ],
)

HELD_OUT = Texts(
    sender=["Riverside Dental Practice", "88 High Street", "Bristol BS1 4DJ"],
    recipient=["Mr Samuel Okafor", "27 Elm Grove", "Bath BA2 3RT"],
    date="17 October 2024",
    subject="Reminder of your check up",
    greeting="Dear Mr Okafor,",
    body=[
        "This is a reminder that your next dental check up is due in November. Please "
        "telephone the practice to choose a day and a time that suits you.",
        "Bring a list of any medicines you take and arrive ten minutes early so that we "
        "can update your details before you see the dentist.",
    ],
    closing="Kind regards,",
    name="Helen Marsh",
    items=[["Printer paper", "5", "21.95"], ["Blue pens", "12", "4.80"], ["Stapler", "1", "6.25"]],
    total="Total due 33.00",
    leaflet_title="Patient information leaflet",
    sections=["1. How to use the drops", "2. Possible side effects"],
    bullets=["wash your hands first", "tilt your head back", "close your eye gently"],
    steps=["a) blurred sight for a short while", "b) a stinging feeling"],
    news_title="Allotment Society Bulletin",
    news=[
        "New plots are free at the north end of the site and members on the waiting list "
        "will be offered one by letter before the end of this month.",
        "The water troughs will be filled from April. Please do not leave hoses running "
        "and close every gate behind you when you leave the site.",
        "Our annual show takes place in August with prizes for the best onions, the "
        "longest runner beans and the brightest flowers.",
    ],
)


def _page(width: int, height: int, paper: tuple[int, int, int] = (255, 255, 255)) -> Sheet:
    return Sheet(Image.new("RGB", (width, height), paper))


def business_letter(texts: Texts = TUNING, face: Face = SANS, size: int = 26) -> Sheet:
    """A letter: sender top right, date under it, recipient on the left lower down, a bold
    subject line the size of the body text, paragraphs, a closing and a name."""
    sheet = _page(1240, 1500)
    body, bold = face.get(size), face.get(size, bold=True)
    pitch = round(size * 1.45)
    y = sheet.lines_at(820, 80, texts.sender, body, pitch)
    sheet.blocks.append(Block("paragraph", " ".join(texts.sender)))
    sheet.write(820, y + pitch, texts.date, body)
    sheet.blocks.append(Block("paragraph", texts.date))
    y = sheet.lines_at(120, y + 4 * pitch, texts.recipient, body, pitch)
    sheet.blocks.append(Block("paragraph", " ".join(texts.recipient)))
    sheet.write(120, y + 2 * pitch, texts.subject, bold)
    sheet.blocks.append(Block("heading", texts.subject))
    y += 4 * pitch
    sheet.write(120, y, texts.greeting, body)
    sheet.blocks.append(Block("paragraph", texts.greeting))
    y += 2 * pitch
    for paragraph in texts.body:
        lines = wrapped(paragraph, body, 1000)
        y = sheet.lines_at(120, y, lines, body, pitch) + pitch
        sheet.blocks.append(Block("paragraph", " ".join(lines)))
    y += pitch
    sheet.write(120, y, texts.closing, body)
    sheet.write(120, y + 4 * pitch, texts.name, body)
    sheet.blocks += [Block("paragraph", texts.closing), Block("paragraph", texts.name)]
    return sheet


def addresses_side_by_side(texts: Texts = TUNING, face: Face = SANS, size: int = 26) -> Sheet:
    """A letter whose recipient (left) and sender (right) blocks sit at the same height;
    a reader expects the one block, then the other: not a table read across."""
    sheet = _page(1240, 900)
    body = face.get(size)
    pitch = round(size * 1.45)
    sheet.lines_at(120, 80, texts.recipient, body, pitch)
    y = sheet.lines_at(760, 80, [*texts.sender, texts.date], body, pitch)
    sheet.blocks.append(Block("paragraph", " ".join(texts.recipient)))
    sheet.blocks.append(Block("paragraph", " ".join([*texts.sender, texts.date])))
    y += 2 * pitch
    sheet.write(120, y, texts.greeting, body)
    sheet.blocks.append(Block("paragraph", texts.greeting))
    y += 2 * pitch
    lines = wrapped(texts.body[0], body, 1000)
    sheet.lines_at(120, y, lines, body, pitch)
    sheet.blocks.append(Block("paragraph", " ".join(lines)))
    return sheet


def invoice(texts: Texts = TUNING, face: Face = SANS, size: int = 26) -> Sheet:
    """A bill: a big title, the customer, a table (item, quantity, price), a total."""
    sheet = _page(1240, 1000)
    body, title = face.get(size), face.get(round(size * 1.8), bold=True)
    pitch = round(size * 1.45)
    sheet.write(120, 70, "Invoice", title)
    sheet.blocks.append(Block("heading", "Invoice"))
    y = sheet.lines_at(120, 70 + 3 * pitch, texts.recipient, body, pitch) + 2 * pitch
    sheet.blocks.append(Block("paragraph", " ".join(texts.recipient)))
    rows = [["Item", "Quantity", "Price"], *texts.items]
    for row in rows:
        for col, cell in enumerate(row):
            sheet.write((120, 620, 900)[col], y, cell, body)
        y += round(pitch * 1.3)
    sheet.blocks.append(Block("table", "\n".join(" | ".join(row) for row in rows)))
    sheet.write(620, y + pitch, texts.total, face.get(size, bold=True))
    sheet.blocks.append(Block("paragraph", texts.total))
    return sheet


def leaflet(texts: Texts = TUNING, face: Face = SANS, size: int = 26) -> Sheet:
    """A medicine leaflet: a title, numbered section headings in bold a little bigger,
    a bulleted list ("•"), a dashed list ("-"), and lettered items ("a)")."""
    sheet = _page(1240, 1300)
    body = face.get(size)
    head = face.get(round(size * 1.35), bold=True)
    pitch = round(size * 1.45)
    sheet.write(100, 60, texts.leaflet_title, face.get(round(size * 1.7), bold=True))
    sheet.blocks.append(Block("heading", texts.leaflet_title))
    y = 60 + 3 * pitch
    sheet.write(100, y, texts.sections[0], head)
    sheet.blocks.append(Block("heading", texts.sections[0]))
    y += round(1.8 * pitch)
    intro = "This medicine is used to treat:"
    sheet.write(100, y, intro, body)
    sheet.blocks.append(Block("paragraph", intro))
    y += pitch
    for item in texts.bullets:
        sheet.write(130, y, "\u2022", body)
        sheet.write(165, y, item, body)
        sheet.blocks.append(Block("list_item", item))
        y += pitch
    y += pitch
    sheet.write(100, y, texts.sections[1], head)
    sheet.blocks.append(Block("heading", texts.sections[1]))
    y += round(1.8 * pitch)
    intro = "Do not take this medicine:"
    sheet.write(100, y, intro, body)
    sheet.blocks.append(Block("paragraph", intro))
    y += pitch
    for item in texts.steps:
        sheet.write(130, y, item, body)
        sheet.blocks.append(Block("list_item", item))
        y += pitch
    y += pitch
    for item in texts.bullets[:2]:
        sheet.write(130, y, f"- {item}", body)
        sheet.blocks.append(Block("list_item", item))
        y += pitch
    return sheet


def same_size_headings(
    texts: Texts = TUNING, face: Face = SANS, size: int = 26, ratio: float = 1.0
) -> Sheet:
    """Bold headings printed ``ratio`` times the size of the body text (the same size, or
    14 pt over 12 pt: 1.17), each over a paragraph."""
    sheet = _page(1240, 1000)
    body, bold = face.get(size), face.get(round(size * ratio), bold=True)
    pitch = round(size * 1.45)
    y = 80.0
    for heading, paragraph in zip(["Opening times", "Parking"], texts.body, strict=True):
        sheet.write(100, y, heading, bold)
        sheet.blocks.append(Block("heading", heading))
        lines = wrapped(paragraph, body, 1000)
        y = sheet.lines_at(100, y + pitch * 1.2 * ratio, lines, body, pitch) + pitch
        sheet.blocks.append(Block("paragraph", " ".join(lines)))
    return sheet


def three_columns(texts: Texts = TUNING, face: Face = SANS, size: int = 22) -> Sheet:
    """A newsletter: a title across the page over three columns of text."""
    sheet = _page(1240, 900)
    body = face.get(size)
    pitch = round(size * 1.4)
    sheet.write(60, 50, texts.news_title, face.get(round(size * 2.2), bold=True))
    sheet.blocks.append(Block("heading", texts.news_title))
    for col, paragraph in enumerate(texts.news):
        lines = wrapped(paragraph, body, 330)
        sheet.lines_at(60 + col * 390, 180, lines, body, pitch)
        sheet.blocks.append(Block("paragraph", " ".join(lines)))
    return sheet


def plain_page(
    texts: Texts = TUNING,
    face: Face = SANS,
    size: int = 26,
    *,
    width: int = 1240,
    ink: tuple[int, int, int] = (20, 20, 20),
    paper: tuple[int, int, int] = (255, 255, 255),
    repeat: int = 1,
) -> Sheet:
    """A heading over the letter's paragraphs (each said ``repeat`` times, for a page wide
    enough to set a paragraph on one line): for print small, large, serif or pale."""
    margin = width // 12
    pitch = round(size * 1.45)
    body, title = face.get(size), face.get(round(size * 1.4), bold=True)
    paragraphs = [" ".join([p] * repeat) for p in texts.body]
    heading = wrapped(texts.subject, title, width - 2 * margin)
    count = sum(len(wrapped(p, body, width - 2 * margin)) + 1 for p in paragraphs)
    sheet = _page(width, margin + (count + 2 * len(heading) + 3) * pitch, paper)
    sheet.ink = ink
    y = sheet.lines_at(margin, margin // 2, heading, title, round(pitch * 1.4)) + pitch
    sheet.blocks.append(Block("heading", " ".join(heading)))
    for paragraph in paragraphs:
        lines = wrapped(paragraph, body, width - 2 * margin)
        y = sheet.lines_at(margin, y, lines, body, pitch) + pitch
        sheet.blocks.append(Block("paragraph", " ".join(lines)))
    return sheet
