#!/usr/bin/env python3
"""Knowledge-base search benchmark (issue 4): seeds N articles in French and English through the API of a running
`parc serve`, then measures the latency (p50, p95) of
  1. GET /api/v1/articles?q=...  (ranked full-text search, first page of 20, with snippets), and
  2. GET /api/v1/articles/suggest?q=...  (as-you-type suggestions, 5, the last word a prefix),
for queries of one to three words drawn from the articles' vocabulary. Prints one Markdown row.

usage: kb-bench.py --url http://127.0.0.1:PORT --token TOKEN [--articles 10000] [--queries 300] [--label L]
(the articles go to the first entity the token's account sees)
"""
import argparse
import http.client
import json
import random
import sys
import threading
import time
import urllib.parse

FR = ("imprimante étiquette bourrage papier toner réseau wifi câble routeur commutateur serveur sauvegarde "
      "restauration messagerie courriel boîte mot passe compte verrouillé annuaire session poste écran clavier "
      "souris pilote mise jour redémarrer service spouleur partage dossier droits accès vpn certificat proxy "
      "navigateur téléphone licence logiciel installation désinstaller disque plein lenteur démarrage batterie "
      "station accueil projecteur salle réunion visioconférence caméra micro son casque badge photocopieur").split()
EN = ("printer label jam paper toner network wifi cable router switch server backup restore mail mailbox "
      "password account locked directory session workstation screen keyboard mouse driver update restart service "
      "spooler share folder rights access vpn certificate proxy browser phone licence software install uninstall "
      "disk full slow boot battery dock projector meeting room video camera microphone sound headset badge").split()
FILLER = ("le la les de du des un une et ou puis pour avec sans dans sur the a an and or then for with without in "
          "on to of check open close verify ensure").split()


def article(rng, index):
    words = FR if index % 2 == 0 else EN
    title = " ".join(rng.choice(words) for _ in range(rng.randint(3, 6))).capitalize()
    paragraphs = []
    for _ in range(rng.randint(3, 8)):
        sentence = [rng.choice(words if rng.random() < 0.6 else FILLER) for _ in range(rng.randint(12, 30))]
        paragraphs.append(" ".join(sentence).capitalize() + ".")
    steps = "\n".join(f"{n}. {rng.choice(words)} {rng.choice(FILLER)} {rng.choice(words)}" for n in range(1, 6))
    body = "## " + title + "\n\n" + "\n\n".join(paragraphs) + "\n\n" + steps
    return {"title": f"{title} {index}", "body": body, "visibility": rng.choice(["faq", "technicians"]),
            "template": rng.choice(["procedure", "tutorial", "reflex", "free"])}


def seed(url, token, entity, count, workers=4):
    target = urllib.parse.urlparse(url)
    lock = threading.Lock()
    cursor = [0]
    failures = []

    def worker(seed_value):
        rng = random.Random(seed_value)
        connection = http.client.HTTPConnection(target.hostname, target.port, timeout=120)
        while True:
            with lock:
                index = cursor[0]
                cursor[0] += 1
            if index >= count:
                break
            fields = article(rng, index)
            fields["entity_id"] = entity
            connection.request("POST", "/api/v1/articles", body=json.dumps(fields), headers={
                "Authorization": "Bearer " + token, "Content-Type": "application/json"})
            response = connection.getresponse()
            data = response.read()
            if response.status != 201:
                with lock:
                    failures.append((response.status, data[:200]))
        connection.close()

    started = time.monotonic()
    threads = [threading.Thread(target=worker, args=(n,)) for n in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if failures:
        sys.exit(f"seeding failed: {len(failures)} errors, first: {failures[0]}")
    return time.monotonic() - started


def latencies(url, token, paths):
    target = urllib.parse.urlparse(url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    # Warm-up: caches and the connection pool, as a server that has been running a while.
    for path in paths[:20]:
        connection.request("GET", path, headers={"Authorization": "Bearer " + token})
        connection.getresponse().read()
    timings = []
    matched = 0
    for path in paths:
        started = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": "Bearer " + token})
        response = connection.getresponse()
        data = response.read()
        timings.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            sys.exit(f"{path}: {response.status} {data[:200]}")
        if json.loads(data)["items"]:
            matched += 1
    connection.close()
    timings.sort()
    return timings[len(timings) // 2], timings[int(len(timings) * 0.95)], matched


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--articles", type=int, default=10000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--label", default="")
    args = parser.parse_args()
    target = urllib.parse.urlparse(args.url)
    connection = http.client.HTTPConnection(target.hostname, target.port, timeout=60)
    connection.request("GET", "/api/v1/entities", headers={"Authorization": "Bearer " + args.token})
    entity = json.loads(connection.getresponse().read())["items"][0]["id"]
    connection.close()
    seconds = seed(args.url, args.token, entity, args.articles)
    rng = random.Random(42)
    queries = []
    for _ in range(args.queries):
        words = FR if rng.random() < 0.5 else EN
        queries.append(" ".join(rng.choice(words) for _ in range(rng.randint(1, 3))))
    search = [f"/api/v1/articles?per_page=20&q={urllib.parse.quote(q)}" for q in queries]
    # As typed: the last word cut to its first three letters or more.
    typed = [q[:max(len(q) - rng.randint(0, 3), 3)] for q in queries]
    suggest = [f"/api/v1/articles/suggest?q={urllib.parse.quote(q)}" for q in typed]
    s50, s95, smatched = latencies(args.url, args.token, search)
    g50, g95, gmatched = latencies(args.url, args.token, suggest)
    print(f"| {args.label} | {args.articles:,} articles seeded in {seconds:.0f} s ({args.articles / seconds:.0f}/s) "
          f"| {s50:.1f} ms / {s95:.1f} ms ({smatched}/{len(search)} with results) "
          f"| {g50:.1f} ms / {g95:.1f} ms ({gmatched}/{len(suggest)}) |")


if __name__ == "__main__":
    main()
