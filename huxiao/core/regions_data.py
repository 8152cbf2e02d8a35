"""Loading the shipped GB/T 2260 division list (data/gbt2260.csv).

Source: the province/city/county codes and centroids distributed with the MIT-licensed ``cpca`` 0.5.5
package (2021-02), which follow the Ministry of Civil Affairs 2020 edition of the division codes.
Placeholder rows (市辖区, 县, 省直辖县级行政区划) are dropped; their counties hang off the province.
"""

import csv
from pathlib import Path

DATA_FILE = Path(__file__).parent / "data" / "gbt2260.csv"
EDITION = "2020"


def read_regions():
    with open(DATA_FILE, encoding="utf-8", newline="") as fh:
        yield from csv.DictReader(fh)


def load_regions(Region):
    """Insert the missing regions, top level first, so parents exist before children (idempotent)."""
    existing = set(Region.objects.values_list("code", flat=True))
    rows = sorted(read_regions(), key=lambda r: {"province": 0, "city": 1, "county": 2}[r["level"]])
    new = [Region(code=r["code"], name=r["name"], level=r["level"], parent_id=r["parent"] or None,
                  longitude=float(r["longitude"]) if r["longitude"] else None,
                  latitude=float(r["latitude"]) if r["latitude"] else None)
           for r in rows if r["code"] not in existing]
    for level in ("province", "city", "county"):
        Region.objects.bulk_create([r for r in new if r.level == level], batch_size=1000)
    return len(new)
