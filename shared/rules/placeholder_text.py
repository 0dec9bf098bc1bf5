"""What placeholder copy looks like: lorem-ipsum Latin, template filler, placeholder alt text.

The one place for the vocabulary and patterns `content.placeholder_copy` matches page text against: the
facts carry the texts (clipped), the matching is here, so it is tested without a browser.

Latin filler is told by vocabulary, not by a fixed sentence: generators shuffle Cicero's words ("Quis
quorum aliqua sint quem legam fore..."). Only words of four letters or more vote, since short ones (et,
non, est, id, ut, ex) are words of living languages too; with most of the voting words Latin filler and
enough of them, a sentence of Italian or Spanish that shares a few (nulla, culpa, libero, porta) stays out.
"""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Literal
from urllib.parse import unquote, urlsplit

PlaceholderKind = Literal["lorem_ipsum", "template_filler"]


def _words(block: str) -> frozenset[str]:
    """A vocabulary written as a block of words, as it is read."""
    return frozenset(block.split())


# Cicero's "De finibus" as lorem ipsum quotes it, the words lipsum generators add, and the Latin-looking
# words of the generators that templates ship (tamen, malis, legam, noster, ...).
LOREM_WORDS: frozenset[str] = _words(
    """
    accumsan accusamus accusantium adipisci adipiscing adipisicing aenean aliqua aliquam aliquet aliquid aliquip
    alias amet animi anim ante aperiam architecto arcu asperiores aspernatur assumenda atque auctor augue aute
    autem beatae bibendum blanditiis cillum commodi commodo condimentum congue consectetur consectetuer consequat
    consequatur consequuntur convallis corporis corrupti cras cubilia culpa cumque cupidatat cupiditate curabitur
    curae cursus dapibus debitis delectus deleniti deserunt diam dicta dictum dictumst dignissim dignissimos
    distinctio dolor dolore dolorem doloremque dolores doloribus dolorum donec ducimus duis efficitur egestas eget
    eiusmod eius eleifend elementum eligendi elit enim eram erat eros esse etiam euismod eveniet excepteur
    excepturi exercitation exercitationem expedita explicabo facere facilis facilisi facilisis fames faucibus felis
    fermentum feugiat finibus fore fringilla fuga fugiat fugit fusce gravida habitant habitasse harum hendrerit
    himenaeos iaculis illo illum impedit imperdiet incididunt incidunt inceptos integer interdum inventore ipsa
    ipsam ipsum irure itaque iste iure iusto justo labore laboriosam laboris laborum lacinia lacus laoreet
    laudantium lectus legam libero ligula litora lobortis lorem luctus maecenas magna magnam magni magnis maiores
    malesuada malis massa mattis mauris maxime maximus metus minim minima molestiae molestias molestie mollis
    mollit mollitia montes morbi multos nascetur natoque natus necessitatibus nemo neque nesciunt netus nibh
    nihil nisi nisl nobis noster nostra nostrud nostrum nulla nullam numquam nunc occaecat occaecati odio odit
    officia officiis omnis optio orci ornare pariatur parturient pellentesque penatibus perferendis perspiciatis
    pharetra phasellus placeat placerat platea porro porta porttitor possimus posuere potenti praesent praesentium
    pretium primis proident proin provident pulvinar purus quae quaerat quam quas quasi quia quibusdam quid
    quidem quis quisquam quisque quod quorum quos ratione recusandae reiciendis rem repellat repellendus
    reprehenderit repudiandae rerum rhoncus ridiculus risus rutrum saepe sagittis sapien sapiente scelerisque
    semper senectus sequi similique sint sociosqu sodales soluta sollicitudin sunt suscipit suspendisse taciti
    tamen tellus tempor tempora tempore temporibus tempus tenetur tincidunt torquent tortor totam tristique turpis
    ullam ullamco ullamcorper ultrices ultricies unde urna varius vehicula velit venenatis veniam veritatis vero
    vestibulum vitae vivamus viverra voluptas voluptate voluptatem voluptates voluptatibus voluptatum volutpat
    vulputate
    """
)
LATIN_WORD_MIN_LETTERS = 4

# Whole texts (after normalisation) that only a template says: Bootstrap's examples and the "your ...
# here" slots of page builders.
TEMPLATE_TEXTS: frozenset[str] = frozenset(
    {
        "another action",
        "brand name",
        "button",
        "button text",
        "card subtitle",
        "card title",
        "company name",
        "feature title",
        "featured title",
        "heading",
        "heading here",
        "item name",
        "link text",
        "product name",
        "product title",
        "project name",
        "project title",
        "service name",
        "service title",
        "something else here",
        "sub heading",
        "subheading",
        "subtitle",
        "text here",
        "title here",
        "your brand",
        "your company",
        "your company name",
        "your heading",
        "your logo",
        "your title",
        "your website",
    }
)
LOREM_PHRASE = re.compile(r"\blorem ipsum\b")
# Anywhere in a text: phrases no finished page says.
TEMPLATE_PHRASES: tuple[re.Pattern[str], ...] = (
    re.compile(r"\bsome quick example text\b"),
    re.compile(r"\bmake up the bulk of the card s content\b"),
    re.compile(r"\b(your|insert|add|enter) (your )?(text|title|heading|headline|content|copy|tagline) here\b"),
    re.compile(r"\b(text|title|heading|headline|content|copy|caption) goes here\b"),
    re.compile(r"(copyright|©)( ©)?( \d{4})? (your (company|website|site|brand|business|name)|company name)\b"),
)

# Alt texts that stand where a description should be.
PLACEHOLDER_ALTS: frozenset[str] = frozenset(
    {
        "alt",
        "alt text",
        "alternative text",
        "image",
        "image description",
        "image placeholder",
        "img",
        "photo",
        "pic",
        "picture",
        "placeholder",
        "placeholder image",
        "thumbnail",
        "untitled",
        "your image",
    }
)
IMAGE_EXTENSIONS = r"(jpe?g|png|gif|webp|avif|svg|bmp|tiff?|heic)"
_NUMBERED_ALT = re.compile(r"^(image|img|photo|picture|pic|placeholder|thumbnail)[\s_-]*\d+$")
_FILE_NAME = re.compile(rf"^[\w.-]+\.{IMAGE_EXTENSIONS}$", re.IGNORECASE)
_CAMERA_NAME = re.compile(r"^(img|dsc|dscn|dcim|pxl|mvimg)[_-]?\d{3,}", re.IGNORECASE)
_MACHINE_STEM = re.compile(r"[\d_-]")

_PUNCTUATION = re.compile(r"[^\w\s©]+")
_SPACE = re.compile(r"\s+")
_LETTERS = re.compile(r"[^\W\d_]+")


def normalised(text: str) -> str:
    return _SPACE.sub(" ", _PUNCTUATION.sub(" ", text.lower())).strip()


def latin_share(text: str) -> tuple[int, float]:
    """How many words of `LATIN_WORD_MIN_LETTERS` letters or more the text has, and the share of them that
    are lorem-ipsum vocabulary."""
    words = [word for word in _LETTERS.findall(text.lower()) if len(word) >= LATIN_WORD_MIN_LETTERS]
    if not words:
        return 0, 0.0
    return len(words), sum(word in LOREM_WORDS for word in words) / len(words)


def placeholder_kind(text: str, *, min_latin_words: int, min_latin_share: float) -> PlaceholderKind | None:
    """`lorem_ipsum` for Latin filler, `template_filler` for a template's example copy, else None."""
    flat = normalised(text)
    if not flat:
        return None
    if LOREM_PHRASE.search(flat):
        return "lorem_ipsum"
    words, share = latin_share(flat)
    if words >= min_latin_words and share >= min_latin_share:
        return "lorem_ipsum"
    if flat in TEMPLATE_TEXTS or any(pattern.search(flat) for pattern in TEMPLATE_PHRASES):
        return "template_filler"
    return None


def placeholder_alt(alt: str, src: str) -> bool:
    """An alt text that describes nothing: only punctuation ("..."), a word like "image", a numbered
    "photo 3", a camera's or any file name, or the image's own file name."""
    text = alt.strip()
    if not text:
        return False  # alt="" marks a decorative image: right, not a placeholder
    flat = normalised(text)
    if not flat or flat in PLACEHOLDER_ALTS or _NUMBERED_ALT.match(flat):
        return True
    if _FILE_NAME.match(text) or _CAMERA_NAME.match(text):
        return True
    file_name = PurePosixPath(unquote(urlsplit(src).path)).name
    stem = PurePosixPath(file_name).stem
    lowered = text.lower()
    if not stem or lowered == file_name.lower():
        return bool(stem)
    # "team" for team.jpg may be a fair word; "hero-bg-2" for hero-bg-2.jpg is the file's name.
    return lowered == stem.lower() and bool(_MACHINE_STEM.search(stem))
