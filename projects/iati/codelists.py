"""The IATI code lists shipped in codelists/: which codes a list holds."""

from functools import cache
from pathlib import Path

from lxml import etree

CODELISTS = Path(__file__).resolve().parent / "codelists"


@cache
def codes(name: str) -> frozenset[str]:
    """The codes in use in the code list `name` (e.g. "Country"); withdrawn ones left out.

    Read once per process (a few hundred codes per list).
    """
    tree = etree.parse(str(CODELISTS / f"{name}.xml"))
    items = tree.iterfind("codelist-items/codelist-item")
    return frozenset(
        item.findtext("code").strip() for item in items if item.get("status") != "withdrawn"
    )


# Where the export writes a coded value (XPath from an activity) and the list it is from.
CODED_VALUES = (
    ("@default-currency", "Currency"),
    ("reporting-org/@type", "OrganisationType"),
    ("description/@type", "DescriptionType"),
    ("participating-org/@role", "OrganisationRole"),
    ("participating-org/@type", "OrganisationType"),
    ("activity-status/@code", "ActivityStatus"),
    ("activity-date/@type", "ActivityDateType"),
    ("recipient-country/@code", "Country"),
    ("recipient-region/@vocabulary", "RegionVocabulary"),
    ("recipient-region[@vocabulary='1']/@code", "Region"),
    ("sector/@vocabulary", "SectorVocabulary"),
    ("sector[@vocabulary='1']/@code", "Sector"),
    ("budget/@type", "BudgetType"),
    ("budget/@status", "BudgetStatus"),
)


def codelist_errors(root: etree._Element) -> list[str]:
    """Coded values of the activities in `root` that are not in their code list."""
    return [
        f"{activity.findtext('iati-identifier')}: {path} {value!r} is not in {name}"
        for activity in root.iterfind("iati-activity")
        for path, name in CODED_VALUES
        for value in activity.xpath(path)
        if value not in codes(name)
    ]
