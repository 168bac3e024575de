"""Inspect and replay dead letters from the command line.

    python -m services.kit.dlq_cli list                      # every .dlq topic, one line per letter
    python -m services.kit.dlq_cli list profiles.agency.dlq --show-values
    python -m services.kit.dlq_cli replay profiles.agency.dlq --at 0:12 --at 2:40
    python -m services.kit.dlq_cli replay profiles.agency.dlq --all

Kafka is found through PARCOURS_KAFKA_BOOTSTRAP_SERVERS (default 127.0.0.1:9092) or --bootstrap."""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import sys

from services.contracts.topics import CATALOGUE, DLQ_SUFFIX
from services.kit.dead_letters import DeadLetter, list_dead_letters, replay


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="parcours-dlq", description="Inspect and replay dead letters.")
    parser.add_argument(
        "--bootstrap",
        default=os.environ.get("PARCOURS_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
        help="Kafka bootstrap servers",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="list dead letters")
    listing.add_argument("topics", nargs="*", help="dead-letter topics (default: all of the catalogue)")
    listing.add_argument("--show-values", action="store_true", help="print each message's body")
    listing.add_argument("--json", action="store_true", help="one JSON object per line")
    replaying = commands.add_parser("replay", help="publish dead letters again on their original topic")
    replaying.add_argument("topic", help="a dead-letter topic, e.g. profiles.agency.dlq")
    which = replaying.add_mutually_exclusive_group(required=True)
    which.add_argument("--at", action="append", metavar="PARTITION:OFFSET", help="a letter's place in the .dlq topic")
    which.add_argument("--all", action="store_true", help="every letter of the topic")
    return parser


def _describe(letter: DeadLetter, show_values: bool) -> str:
    line = (
        f"{letter.dlq_topic} {letter.position:>8}  from {letter.original_topic}[{letter.original_partition}]"
        f"@{letter.original_offset}  group {letter.consumer_group}  attempts {letter.attempts}  "
        f"at {letter.failed_at}\n    error: {letter.error}"
    )
    if show_values:
        line += f"\n    value: {letter.value.decode(errors='replace')[:2000]}"
    return line


def _as_json(letter: DeadLetter) -> str:
    return json.dumps(
        {
            "dlq_topic": letter.dlq_topic,
            "position": letter.position,
            "original_topic": letter.original_topic,
            "original_partition": letter.original_partition,
            "original_offset": letter.original_offset,
            "consumer_group": letter.consumer_group,
            "error": letter.error,
            "failed_at": letter.failed_at,
            "attempts": letter.attempts,
            "key": (letter.key or b"").decode(errors="replace"),
            "value": letter.value.decode(errors="replace"),
        },
        ensure_ascii=False,
    )


async def run(argv: list[str]) -> int:
    args = _parser().parse_args(argv)
    if args.command == "list":
        topics = args.topics or [spec.dead_letter for spec in CATALOGUE]
        total = 0
        for topic in topics:
            for letter in await list_dead_letters(args.bootstrap, topic):
                print(_as_json(letter) if args.json else _describe(letter, args.show_values))
                total += 1
        if not args.json:
            print(f"{total} dead letter(s) in {len(topics)} topic(s)")
        return 0
    if not args.topic.endswith(DLQ_SUFFIX):
        print(f"{args.topic} is not a dead-letter topic (they end with {DLQ_SUFFIX})", file=sys.stderr)
        return 2
    letters = await list_dead_letters(args.bootstrap, args.topic)
    if not args.all:
        wanted = set(args.at)
        unknown = wanted - {letter.position for letter in letters}
        if unknown:
            print(f"no dead letter at {', '.join(sorted(unknown))} in {args.topic}", file=sys.stderr)
            return 2
        letters = [letter for letter in letters if letter.position in wanted]
    count = await replay(args.bootstrap, letters)
    print(f"replayed {count} dead letter(s) from {args.topic}")
    return 0


def main(argv: list[str] | None = None) -> int:
    return asyncio.run(run(sys.argv[1:] if argv is None else argv))


if __name__ == "__main__":
    raise SystemExit(main())
