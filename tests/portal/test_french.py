"""French: the catalogue is complete and compiled, and the pages under /fr/ are in French,
with French dates, numbers and amounts."""

import ast
import gettext
import re
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.conf import settings
from django.utils import translation

from foundation.templatetags.pages import eur, time_left
from programmes.models import ContactPoint

LC_MESSAGES = settings.BASE_DIR / "locale" / "fr" / "LC_MESSAGES"
PO_FILE = LC_MESSAGES / "django.po"
MO_FILE = LC_MESSAGES / "django.mo"
NBSP = "\xa0"  # Django's French thousands separator

FRENCH_PAGES = [
    "/fr/",
    "/fr/calls/?status=closed",
    "/fr/calls/AMIF-2024-TF2-AG-THB-01/",
    "/fr/programmes/",
    "/fr/programmes/amif-2021-2027/",
    "/fr/initiatives/",
    "/fr/initiatives/mpf/",
    "/fr/countries/",
    "/fr/countries/MD/",
    "/fr/regions/",
    "/fr/news/",
]


# --- the catalogue ----------------------------------------------------------------


def read_po(path) -> list[dict]:
    """The entries of a .po file: {"msgctxt"?, "msgid", "msgid_plural"?, "msgstr" or
    "msgstr[n]", "flags"}. Obsolete (#~) entries are left out."""
    entries: list[dict] = []
    entry: dict = {"flags": set()}
    key = None
    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            if "msgid" in entry:
                entries.append(entry)
            entry, key = {"flags": set()}, None
        elif line.startswith("#,"):
            entry["flags"].update(flag.strip() for flag in line[2:].split(","))
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


def translations(entry: dict) -> list[str]:
    return [value for key, value in entry.items() if key.startswith("msgstr")]


@pytest.fixture(scope="module")
def po_entries() -> list[dict]:
    entries = read_po(PO_FILE)
    assert entries[0]["msgid"] == "", "the .po file starts with its header"
    return entries


def test_the_po_header_is_french(po_entries):
    header = po_entries[0]
    assert "fuzzy" not in header["flags"]
    assert "Language: fr\n" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n > 1);\n" in header["msgstr"]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"]


def test_every_message_is_translated_and_none_is_fuzzy(po_entries):
    messages = po_entries[1:]
    assert len(messages) > 300
    untranslated = [e["msgid"] for e in messages if not all(translations(e))]
    fuzzy = [e["msgid"] for e in messages if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []
    plural = [e for e in messages if "msgid_plural" in e]
    assert plural and all(len(translations(e)) == 2 for e in plural)


def test_translations_keep_the_placeholders(po_entries):
    placeholder = re.compile(r"%\(\w+\)[sd]")
    for entry in po_entries[1:]:
        wanted = set(placeholder.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in translations(entry):
            assert set(placeholder.findall(text)) == wanted, entry["msgid"]


def test_the_mo_file_is_compiled_from_the_po_file(po_entries):
    """Fails when the .po changed without `manage.py compilemessages -l fr`."""
    with MO_FILE.open("rb") as file:
        catalogue = gettext.GNUTranslations(file)
    for entry in po_entries[1:]:
        context, msgid = entry.get("msgctxt"), entry["msgid"]
        if "msgid_plural" in entry:
            plural = entry["msgid_plural"]
            for count, key in ((1, "msgstr[0]"), (2, "msgstr[1]")):
                if context is None:
                    found = catalogue.ngettext(msgid, plural, count)
                else:
                    found = catalogue.npgettext(context, msgid, plural, count)
                assert found == entry[key], msgid
        else:
            if context is None:
                found = catalogue.gettext(msgid)
            else:
                found = catalogue.pgettext(context, msgid)
            assert found == entry["msgstr"], msgid


# --- the pages --------------------------------------------------------------------


class _Text(HTMLParser):
    """The text of a page, and the attributes people read (aria-label, placeholder...)."""

    READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        self.parts.extend(v.strip() for k, v in attrs if k in self.READ_ATTRIBUTES and v)

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(response) -> list[str]:
    parser = _Text()
    parser.feed(response.text)
    return parser.parts


@pytest.mark.usefixtures("demo")
def test_calls_list_in_french(client):
    response = client.get("/fr/calls/?status=closed")
    assert response.status_code == 200
    assert "<h1>Appels à propositions</h1>" in response.text
    text = page_text(response)
    assert "Clôturé" in text
    assert "Date limite finale" in text
    assert "(heure de Bruxelles)" in text
    assert "21 août 2024, 17:00" in text


@pytest.mark.usefixtures("demo")
def test_call_detail_in_french(client):
    response = client.get("/fr/calls/AMIF-2024-TF2-AG-THB-01/")
    assert response.status_code == 200
    text = page_text(response)
    assert "21 août 2024, 17:00" in text
    assert "21 mai 2024, 00:00" in text
    assert "(heure de Bruxelles)" in text
    assert "Subvention à l'action" in text
    assert "Informations clés" in text
    assert "Aller au contenu principal" in text


@pytest.mark.usefixtures("demo")
def test_programme_budget_in_french(client):
    response = client.get("/fr/programmes/amif-2021-2027/")
    assert response.status_code == 200
    assert "9,9 milliards EUR" in page_text(response)
    assert "Types de participants éligibles" in page_text(response)


@pytest.mark.usefixtures("demo")
def test_initiative_budget_and_period_in_french(client):
    response = client.get("/fr/initiatives/mpf/")
    assert response.status_code == 200
    text = page_text(response)
    assert "62,55 millions EUR" in text
    assert "janvier 2020 – décembre 2024" in text


@pytest.mark.usefixtures("demo")
def test_support_figures_have_french_qualifiers(client):
    text = page_text(client.get("/fr/regions/"))
    assert "Plus de 350 millions EUR" in text


@pytest.mark.usefixtures("demo")
def test_the_switcher_on_a_french_page_offers_english(client):
    response = client.get("/fr/calls/")
    assert re.search(r'<a href="/language/en/\?next=/fr/calls/"[^>]*>English</a>', response.text)
    assert re.search(
        r'<a href="/language/fr/\?next=/fr/calls/"[^>]*aria-current="true"[^>]*>Français',
        response.text,
    )


@pytest.mark.usefixtures("demo")
@pytest.mark.parametrize("url", FRENCH_PAGES)
def test_no_english_interface_text_on_french_pages(client, url, po_entries):
    """No piece of text on a French page is an English interface string of the catalogue
    (source data, such as call titles, stays in English). The language switcher names
    English in English, on purpose."""
    english = set()
    for entry in po_entries[1:]:
        for msgid in (entry["msgid"], entry.get("msgid_plural")):
            if msgid and "%(" not in msgid and msgid not in translations(entry):
                english.add(msgid)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    left = [part for part in page_text(response) if part in english - {"English"}]
    assert left == []


@pytest.mark.usefixtures("demo")
def test_manage_home_in_french(client, django_user_model, po_entries):
    """An NCP's overview (/fr/manage/) is in French, headings, table and menu alike."""
    ncp = django_user_model.objects.create_user("ncp-fr", password=None)
    ContactPoint.objects.get(slug="cy-ministry-of-interior").members.add(ncp)
    client.force_login(ncp)
    response = client.get("/fr/manage/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "<h1>Mes appels</h1>" in response.text
    text = page_text(response)
    for french in ("Gestion", "Nouvel appel", "Mes points de contact", "Se déconnecter"):
        assert french in text
    assert "Modifier les coordonnées et les personnes de contact" in text
    english = _english_interface_strings(po_entries)
    assert [part for part in text if part in english] == []


@pytest.mark.usefixtures("demo")
def test_sign_in_page_in_french(client, po_entries):
    response = client.get("/fr/accounts/login/")
    assert response.status_code == 200
    assert response["Content-Language"] == "fr"
    assert "<h1>Se connecter</h1>" in response.text
    assert "Mot de passe oublié\N{NO-BREAK SPACE}?" in response.text
    text = page_text(response)
    english = _english_interface_strings(po_entries)
    assert [part for part in text if part in english] == []


def _english_interface_strings(po_entries) -> set[str]:
    """The catalogue's English strings that differ from their translation, less
    "English", which the language switcher shows in English on purpose."""
    english = set()
    for entry in po_entries[1:]:
        for msgid in (entry["msgid"], entry.get("msgid_plural")):
            if msgid and "%(" not in msgid and msgid not in translations(entry):
                english.add(msgid)
    return english - {"English"}


@pytest.mark.usefixtures("demo")
def test_english_pages_stay_english(client):
    text = page_text(client.get("/programmes/amif-2021-2027/"))
    assert "EUR 9.9 billion" in text
    assert "Skip to main content" in text


# --- the eur and time_left filters in French -------------------------------------


@pytest.fixture
def french():
    with translation.override("fr"):
        yield


@pytest.mark.usefixtures("french")
@pytest.mark.parametrize(
    ("amount", "expected"),
    [
        (Decimal("9900000000"), "9,9 milliards EUR"),
        (Decimal("1000000000"), "1 milliard EUR"),
        (Decimal("1500000000"), "1,5 milliard EUR"),
        (Decimal("2000000000"), "2 milliards EUR"),
        (Decimal("1234567890123"), f"1{NBSP}234,57 milliards EUR"),
        (Decimal("62550000"), "62,55 millions EUR"),
        (Decimal("1000000"), "1 million EUR"),
        (Decimal("1500000"), "1,5 million EUR"),
        (Decimal("2000000"), "2 millions EUR"),
        (Decimal("999995"), "1 million EUR"),
        (Decimal("635000"), f"635{NBSP}000 EUR"),
        (Decimal("1250.50"), f"1{NBSP}250,50 EUR"),
        (Decimal("999"), "999 EUR"),
        (Decimal("0"), "0 EUR"),
    ],
)
def test_eur_in_french(amount, expected):
    assert eur(amount) == expected


@pytest.mark.usefixtures("french")
def test_eur_in_french_accepts_ints_and_strings():
    assert eur(62550000) == "62,55 millions EUR"
    assert eur("635000") == f"635{NBSP}000 EUR"
    assert eur(None) == ""


@pytest.mark.usefixtures("french")
def test_time_left_in_french():
    now = datetime(2024, 8, 1, 12, tzinfo=UTC)
    assert time_left(now + timedelta(days=1, hours=3), now) == "1 jour restant"
    assert time_left(now + timedelta(days=12), now) == "12 jours restants"
    assert time_left(now + timedelta(hours=5), now) == "5 heures restantes"
    assert time_left(now + timedelta(minutes=1), now) == "1 minute restante"
    assert time_left(now - timedelta(minutes=1), now) == "clôturé"
