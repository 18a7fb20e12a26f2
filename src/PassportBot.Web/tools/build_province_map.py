#!/usr/bin/env python3
"""Converts Openpolis' province TopoJSON into the dashboard's compact map file.

Usage: build_province_map.py SOURCE.topo.json OUTPUT.json

The output holds pre-projected SVG path data keyed by province code (prov_acr), so the browser draws the
map with no projection code and no map library. Each shared arc is simplified once, before the rings are
assembled, so neighbouring provinces keep identical borders (no slivers or gaps). Standard library only;
the result is deterministic for a given source file.
"""
import json
import math
import sys

WIDTH = 800.0            # viewBox width; the height follows from the projection
TOLERANCE = 0.55         # Douglas-Peucker tolerance in viewBox units (about 0.6 km)
REFERENCE_LATITUDE = 42  # equirectangular projection true at central Italy's latitude

ATTRIBUTION = ("Province boundaries: © Openpolis (github.com/openpolis/geojson-italy), based on ISTAT "
               "administrative limits, CC BY 4.0 (https://creativecommons.org/licenses/by/4.0/), modified "
               "(converted/simplified)")


def decode_arcs(topology):
    sx, sy = topology["transform"]["scale"]
    tx, ty = topology["transform"]["translate"]
    arcs = []
    for arc in topology["arcs"]:
        x = y = 0
        points = []
        for dx, dy in arc:
            x += dx
            y += dy
            points.append((x * sx + tx, y * sy + ty))
        arcs.append(points)
    return arcs


def make_projection(bbox):
    min_lon, min_lat, max_lon, max_lat = bbox
    k = math.cos(math.radians(REFERENCE_LATITUDE))
    scale = WIDTH / ((max_lon - min_lon) * k)
    height = (max_lat - min_lat) * scale

    def project(lon, lat):
        return ((lon - min_lon) * k * scale, (max_lat - lat) * scale)

    return project, height


def simplify(points, tolerance):
    """Douglas-Peucker, iterative; keeps both ends so arcs still meet."""
    if len(points) < 3:
        return list(points)
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        (ax, ay), (bx, by) = points[first], points[last]
        dx, dy = bx - ax, by - ay
        length = math.hypot(dx, dy)
        worst, index = -1.0, -1
        for i in range(first + 1, last):
            px, py = points[i]
            if length == 0:
                d = math.hypot(px - ax, py - ay)
            else:
                d = abs(dy * px - dx * py + bx * ay - by * ax) / length
            if d > worst:
                worst, index = d, i
        if worst > tolerance:
            keep[index] = True
            stack.append((first, index))
            stack.append((index, last))
    return [p for p, k in zip(points, keep) if k]


def ring_points(ring, arcs):
    points = []
    for index in ring:
        arc = arcs[index] if index >= 0 else list(reversed(arcs[~index]))
        points.extend(arc if not points else arc[1:])
    return points


def ring_to_path(points):
    rounded = []
    for x, y in points:
        p = (round(x), round(y))
        if not rounded or rounded[-1] != p:
            rounded.append(p)
    if len(rounded) > 1 and rounded[0] == rounded[-1]:
        rounded.pop()
    if len(set(rounded)) < 3:
        return None
    # Relative commands with integer deltas keep the file small.
    x0, y0 = rounded[0]
    parts = [f"M{x0} {y0}l"]
    deltas = []
    for (ax, ay), (bx, by) in zip(rounded, rounded[1:]):
        deltas.append(f"{bx - ax} {by - ay}")
    parts.append(" ".join(deltas))
    parts.append("z")
    return "".join(parts).replace(" -", "-")


def ring_area(points):
    return abs(sum(ax * by - bx * ay for (ax, ay), (bx, by) in zip(points, points[1:] + points[:1]))) / 2


def main(source, output):
    with open(source, encoding="utf-8") as f:
        topology = json.load(f)
    project, height = make_projection(topology["bbox"])
    raw = decode_arcs(topology)
    projected = [[project(lon, lat) for lon, lat in arc] for arc in raw]
    simplified = [simplify(arc, TOLERANCE) for arc in projected]

    provinces = {}
    for geometry in topology["objects"]["provinces"]["geometries"]:
        code = geometry["properties"]["prov_acr"]
        polygons = geometry["arcs"] if geometry["type"] == "MultiPolygon" else [geometry["arcs"]]
        paths = []
        for polygon in polygons:
            for ring in polygon:
                path = ring_to_path(ring_points(ring, simplified))
                if path:
                    paths.append(path)
        if not paths:
            # A province made only of tiny rings: keep its largest ring unsimplified rather than lose it.
            rings = [ring_points(r, projected) for p in polygons for r in p]
            paths.append(ring_to_path(max(rings, key=ring_area)))
        if code in provinces:
            raise SystemExit(f"duplicate province code {code}")
        provinces[code] = {"name": geometry["properties"]["prov_name"], "d": "".join(paths)}

    if len(provinces) != 107:
        raise SystemExit(f"expected 107 provinces, found {len(provinces)}")

    result = {
        "attribution": ATTRIBUTION,
        "source": "openpolis/geojson-italy topojson/limits_IT_provinces.topo.json @ 17bf6d44f4e1a8a22316fb7e5760a557ffeaf1dc",
        "viewBox": f"0 0 {int(WIDTH)} {math.ceil(height)}",
        "provinces": dict(sorted(provinces.items())),
    }
    with open(output, "w", encoding="utf-8", newline="\n") as f:
        json.dump(result, f, ensure_ascii=False, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        raise SystemExit(__doc__)
    main(sys.argv[1], sys.argv[2])
