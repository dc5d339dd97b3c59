"""Records of the F&T search API for tests, from the real samples in ft_samples/."""

import copy
import json
import zlib
from pathlib import Path

SAMPLES = Path(__file__).parent / "ft_samples"
AMIF = "43251447"


def sample(name: str) -> dict:
    """A sample answer: "search" (four grant topics) or "cascade" (four cascade calls)."""
    return json.loads((SAMPLES / f"fundhunt_sedia_{name}.json").read_text())


def record(name: str = "search", index: int = 0, **metadata) -> dict:
    """A copy of a sample record with `metadata` replaced (a str becomes a one-item array,
    None removes the key); `reference` and `url` set the record's own keys."""
    result = copy.deepcopy(sample(name)["results"][index])
    for key in ("reference", "url"):
        if key in metadata:
            result[key] = metadata.pop(key)
    for key, value in metadata.items():
        if value is None:
            result["metadata"].pop(key, None)
        else:
            result["metadata"][key] = [value] if isinstance(value, str) else value
    return result


def amif_topic(identifier: str = "AMIF-2026-TF2-AG-INTE-01", **metadata) -> dict:
    """A grant topic of AMIF, built from the first sample topic."""
    values = {
        "identifier": identifier,
        "callIdentifier": "AMIF-2026-TF2-AG",
        "callTitle": "Call for proposals on integration",
        "frameworkProgramme": AMIF,
        "url": f"https://ec.europa.eu/info/funding-tenders/opportunities/portal/screen/opportunities/topic-details/{identifier}",
        "reference": f"{zlib.crc32(identifier.encode()) % 10**8}TOPICSen",
    }
    return record(**(values | metadata))


def answer(*results, total: int | None = None) -> dict:
    return {
        "totalResults": len(results) if total is None else total,
        "pageNumber": 1,
        "results": list(results),
    }


def answer_file(tmp_path, *results, name: str = "answer.json") -> str:
    path = tmp_path / name
    path.write_text(json.dumps(answer(*results)))
    return str(path)


def budget_overview(*lines: dict, truncate: bool = False) -> str:
    """A budgetOverview string with `lines` under one ccm2 key."""
    text = json.dumps(
        {"budgetYearsColumns": ["2026", "2027"], "budgetTopicActionMap": {"1": list(lines)}}
    )
    return text[: len(text) // 2] if truncate else text
