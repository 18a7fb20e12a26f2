#!/usr/bin/env python3
"""Regenerates Data/offices.json, the simulator's office catalogue, from the December 2023 office list
(offices as listed on the public agenda site). Usage: make_offices.py <offices_2023.json> > Data/offices.json

Our form: one compact row per office with a stable numeric id, the code and name split, the street address and
the city split, coordinates as lat/lon, the booking opening time and the Questura province. Rome and Naples were cut
at 30 in the source list; a few synthetic Commissariati are added there so the simulator has more than 30 offices
in those provinces and paging is exercised (marked "synthetic": true)."""
import json
import re
import sys

CITY = re.compile(r"^(?P<street>.*?)[\s,]+(?P<city>(?:[A-ZÀ-Ý'\.\-]{2,}|D'|L'|S\.)(?:[\s\-][A-ZÀ-Ý'\.\-]+)*)$")

SYNTHETIC = {
    "RM": [("RMPC91", "Commissariato Fidene Serpentara", "Via Radicofani, 67", "ROMA", 41.9500, 12.5390),
           ("RMPC92", "Commissariato Ostia Ponente", "Via della Martinica, 12", "ROMA", 41.7330, 12.2790),
           ("RMPC93", "Commissariato Monteverde Colli", "Via Fonteiana, 21", "ROMA", 41.8790, 12.4580),
           ("RMPC94", "Commissariato Tor Bella Monaca", "Via dell'Archeologia, 40", "ROMA", 41.8680, 12.6240),
           ("RMPC95", "Commissariato Ardea Pomezia Sud", "Via Laurentina, 5", "ARDEA", 41.6110, 12.5430)],
    "NA": [("NAPC91", "Commissariato Arzano", "Via Napoli, 30", "ARZANO", 40.9110, 14.2660),
           ("NAPC92", "Commissariato Afragola", "Corso Garibaldi, 11", "AFRAGOLA", 40.9210, 14.3100),
           ("NAPC93", "Commissariato Marano di Napoli", "Via Castel Belvedere, 4", "MARANO DI NAPOLI", 40.8980, 14.1890),
           ("NAPC94", "Commissariato Pomigliano d'Arco", "Via Roma, 50", "POMIGLIANO D'ARCO", 40.9090, 14.3830),
           ("NAPC95", "Commissariato Sorrento Penisola", "Corso Italia, 210", "SORRENTO", 40.6260, 14.3760)],
}


def split_address(text):
    m = CITY.match(text.strip())
    if not m:
        return text.strip(), ""
    return m.group("street").strip().rstrip(","), m.group("city").strip()


def main(path):
    rows = json.load(open(path, encoding="utf-8"))
    rows.sort(key=lambda r: (r["province"], r["name"]))
    out = []
    next_id = 100
    for r in rows:
        code, _, name = r["name"].partition(" - ")
        street, city = split_address(r["address"])
        lon, lat = r["coordinates"]
        out.append({"id": next_id, "code": code.strip(), "name": " ".join(name.split()), "street": street,
                    "city": city, "province": r["province"], "lat": round(lat, 6), "lon": round(lon, 6),
                    "open": r["open"]})
        next_id += 1
    for province, extra in SYNTHETIC.items():
        for code, name, street, city, lat, lon in extra:
            out.append({"id": next_id, "code": code, "name": name, "street": street, "city": city,
                        "province": province, "lat": lat, "lon": lon, "open": "08.00", "synthetic": True})
            next_id += 1
    sys.stdout.write("[\n" + ",\n".join(json.dumps(o, ensure_ascii=False, separators=(",", ":")) for o in out) + "\n]\n")


if __name__ == "__main__":
    main(sys.argv[1])
