"""Regenerate the territory reference files in ``db/reference/`` from their sources.

Sources:
- the ``es-atlas`` npm package (IGN boundaries, CC BY 4.0): municipality polygons keyed by the
  5-digit INE code, with their names;
- ``db/reference/sources/idescat_*.csv``: Idescat's official municipality → comarca assignment
  (43 units: 42 comarques and Aran, Lluçanès included) and each municipality's population.

Outputs (committed, read by the migrations and the map):
- ``municipalities.csv``: one row per municipality with its comarca, province, a point inside it
  and its population;
- ``comarques.csv``: the 43 comarques with the province holding most of their people;
- ``municipalities.geojson`` and ``comarques.geojson``: simplified boundaries. Arcs are
  simplified once, before polygons are built, so neighbours keep sharing their border exactly
  and the comarques dissolve without slivers.

Usage: ``python -m scripts.build_territory [--atlas path/to/municipalities.json]``. Without
``--atlas`` it fetches the pinned package with ``npm pack`` into a temporary folder.
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from pathlib import Path

import shapely
from shapely.geometry import LineString, MultiPolygon, Point, Polygon, mapping
from shapely.ops import polylabel, unary_union

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "db" / "reference"
SOURCES_DIR = REFERENCE_DIR / "sources"
ES_ATLAS_VERSION = "0.6.0"
CATALAN_PROVINCES = {"08": "Barcelona", "17": "Girona", "25": "Lleida", "43": "Tarragona"}
# Degrees; about 100 m. Enough for a map of Catalonia, and keeps the files small.
SIMPLIFY_TOLERANCE = 0.001
COORDINATE_DIGITS = 5
ARTICLES = ("l'", "la", "el", "les", "els", "es")


def official_name(idescat_name: str) -> str:
    """Idescat lists "Hospitalet de Llobregat, l'"; people read "L'Hospitalet de Llobregat"."""
    if ", " in idescat_name:
        base, article = idescat_name.rsplit(", ", 1)
        if article.lower() in ARTICLES:
            article = article.capitalize()
            return f"{article}{base}" if article.endswith("'") else f"{article} {base}"
    return idescat_name


def fetch_atlas(workdir: Path) -> Path:
    subprocess.run(
        ["npm", "pack", f"es-atlas@{ES_ATLAS_VERSION}", "--silent"],
        cwd=workdir,
        check=True,
        capture_output=True,
    )
    with tarfile.open(workdir / f"es-atlas-{ES_ATLAS_VERSION}.tgz") as archive:
        archive.extractall(workdir, filter="data")
    return workdir / "package" / "es" / "municipalities.json"


def decode_arcs(topology: dict) -> list[list[tuple[float, float]]]:
    """TopoJSON arcs are quantised and delta-encoded: rebuild absolute lon/lat points."""
    (scale_x, scale_y), (shift_x, shift_y) = (
        topology["transform"]["scale"],
        topology["transform"]["translate"],
    )
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * scale_x + shift_x, y * scale_y + shift_y))
        arcs.append(points)
    return arcs


def simplify_arcs(arcs: list[list[tuple[float, float]]]) -> list[list[tuple[float, float]]]:
    simplified = []
    for arc in arcs:
        if len(arc) <= 2:
            simplified.append(arc)
            continue
        if arc[0] == arc[-1]:
            # A closed arc is a whole ring (an island, an enclave): simplifying it as a line
            # would keep only its end points.
            ring = Polygon(arc).simplify(SIMPLIFY_TOLERANCE, preserve_topology=True)
            simplified.append(list(ring.exterior.coords))
            continue
        line = LineString(arc).simplify(SIMPLIFY_TOLERANCE, preserve_topology=False)
        simplified.append(list(line.coords))
    return simplified


def _ring(indexes: Iterable[int], arcs: list[list[tuple[float, float]]]) -> list:
    points: list[tuple[float, float]] = []
    for index in indexes:
        arc = arcs[index] if index >= 0 else arcs[~index][::-1]
        points.extend(arc if not points else arc[1:])
    return points


def geometry_of(entry: dict, arcs: list[list[tuple[float, float]]]) -> MultiPolygon:
    polygons_arcs = entry["arcs"] if entry["type"] == "MultiPolygon" else [entry["arcs"]]
    polygons = []
    for rings in polygons_arcs:
        shell, *holes = (_ring(ring, arcs) for ring in rings)
        if len(shell) >= 4:
            polygons.append(Polygon(shell, [h for h in holes if len(h) >= 4]))
    geometry = shapely.make_valid(MultiPolygon(polygons))
    parts = [g for g in getattr(geometry, "geoms", [geometry]) if isinstance(g, Polygon)]
    parts += [
        p for g in getattr(geometry, "geoms", []) if isinstance(g, MultiPolygon) for p in g.geoms
    ]
    return MultiPolygon(parts)


def rounded(geometry: MultiPolygon) -> dict:
    shape = mapping(shapely.set_precision(geometry, 10**-COORDINATE_DIGITS))
    return json.loads(json.dumps(shape), parse_float=lambda v: round(float(v), COORDINATE_DIGITS))


def inner_point(geometry: MultiPolygon) -> tuple[float, float]:
    """A point well inside the largest piece (the pole of inaccessibility), checked to still be
    inside after rounding, so a marker never lands in the neighbouring town."""
    largest = max(geometry.geoms, key=lambda g: g.area)
    candidate = polylabel(largest, tolerance=0.0005)
    for point in (candidate, largest.representative_point()):
        lon, lat = round(point.x, COORDINATE_DIGITS), round(point.y, COORDINATE_DIGITS)
        if geometry.contains(Point(lon, lat)):
            return lat, lon
    raise ValueError("no point inside the municipality survives rounding")


def collapsed_point(entry: dict, arcs: list[list[tuple[float, float]]]) -> tuple[float, float]:
    polygons_arcs = entry["arcs"] if entry["type"] == "MultiPolygon" else [entry["arcs"]]
    points = [p for rings in polygons_arcs for ring in rings for p in _ring(ring, arcs)]
    lon = sum(p[0] for p in points) / len(points)
    lat = sum(p[1] for p in points) / len(points)
    return round(lat, COORDINATE_DIGITS), round(lon, COORDINATE_DIGITS)


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def write_csv(path: Path, columns: list[str], rows: list[dict[str, object]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=columns, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)


def write_geojson(path: Path, features: list[dict]) -> None:
    collection = {"type": "FeatureCollection", "features": features}
    path.write_text(json.dumps(collection, ensure_ascii=False, separators=(",", ":")) + "\n")


def build(atlas_path: Path) -> None:
    topology = json.loads(atlas_path.read_text(encoding="utf-8"))
    raw_arcs = decode_arcs(topology)
    arcs = simplify_arcs(raw_arcs)
    entries = {
        str(entry["id"]): entry
        for entry in topology["objects"]["municipalities"]["geometries"]
        if str(entry["id"])[:2] in CATALAN_PROVINCES
    }
    comarca_names = {
        row["comarca_code"]: row["comarca_name"]
        for row in read_csv(SOURCES_DIR / "idescat_comarques.csv")
    }
    idescat = {
        row["idescat_code"][:5]: row for row in read_csv(SOURCES_DIR / "idescat_municipalities.csv")
    }
    if set(idescat) != set(entries):
        raise SystemExit(
            f"Idescat and es-atlas disagree: only Idescat {sorted(set(idescat) - set(entries))},"
            f" only es-atlas {sorted(set(entries) - set(idescat))}"
        )

    municipalities = []
    collapsed: list[str] = []
    shapes: dict[str, MultiPolygon] = {}
    features = []
    for code in sorted(entries):
        source = idescat[code]
        geometry = geometry_of(entries[code], arcs)
        name = official_name(source["name"])
        if geometry.is_empty:
            # es-atlas quantises all of Spain on one grid: a few tiny municipalities collapse to
            # a line or a point. They keep that place as their point and get no polygon; their
            # area is drawn by their neighbours.
            lat, lon = collapsed_point(entries[code], raw_arcs)
            collapsed.append(name)
        else:
            shapes[code] = geometry
            lat, lon = inner_point(geometry)
        municipalities.append(
            {
                "ine_code": code,
                "idescat_code": source["idescat_code"],
                "name": name,
                "comarca_code": source["comarca_code"],
                "comarca_name": comarca_names[source["comarca_code"]],
                "province_code": code[:2],
                "province_name": CATALAN_PROVINCES[code[:2]],
                "lat": lat,
                "lon": lon,
                "population": int(source["population"]),
            }
        )
        if code not in shapes:
            continue
        features.append(
            {
                "type": "Feature",
                "properties": {
                    "ine_code": code,
                    "name": name,
                    "comarca_code": source["comarca_code"],
                },
                "geometry": rounded(geometry),
            }
        )
    write_csv(REFERENCE_DIR / "municipalities.csv", list(municipalities[0]), municipalities)
    write_geojson(REFERENCE_DIR / "municipalities.geojson", features)

    # A comarca may straddle provinces (the Cerdanya, the Selva): it is filed under the
    # province where most of its people live.
    people: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    members: dict[str, list[str]] = defaultdict(list)
    for row in municipalities:
        people[str(row["comarca_code"])][str(row["province_code"])] += int(row["population"])
        members[str(row["comarca_code"])].append(str(row["ine_code"]))
    comarques = []
    comarca_features = []
    for code in sorted(comarca_names):
        province = max(people[code].items(), key=lambda item: item[1])[0]
        comarques.append(
            {
                "comarca_code": code,
                "comarca_name": comarca_names[code],
                "province_code": province,
                "province_name": CATALAN_PROVINCES[province],
            }
        )
        dissolved = unary_union([shapes[m] for m in members[code] if m in shapes])
        if isinstance(dissolved, Polygon):
            dissolved = MultiPolygon([dissolved])
        comarca_features.append(
            {
                "type": "Feature",
                "properties": {
                    "comarca_code": code,
                    "name": comarca_names[code],
                    "province_code": province,
                },
                "geometry": rounded(dissolved),
            }
        )
    write_csv(REFERENCE_DIR / "comarques.csv", list(comarques[0]), comarques)
    write_geojson(REFERENCE_DIR / "comarques.geojson", comarca_features)
    print(f"{len(municipalities)} municipalities, {len(comarques)} comarques written.")
    if collapsed:
        print(f"Without a polygon (collapsed in es-atlas): {', '.join(collapsed)}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--atlas", type=Path, help="es-atlas es/municipalities.json")
    args = parser.parse_args()
    if args.atlas:
        build(args.atlas)
        return
    with tempfile.TemporaryDirectory() as workdir:
        build(fetch_atlas(Path(workdir)))


if __name__ == "__main__":
    main()
