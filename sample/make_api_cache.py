#!/usr/bin/env python3
"""Builds the sample's recorded API caches: translations and generated pairs.

sample/translations/LA_recorded.jsonl holds translations of 24 LA pairs into zh, ja, ko, de, fr,
es and ar, written one text at a time by an AI assistant working as a translator (one JSON object
per line: ins_id, lang, instruction, answer). This
script keys each one as expand-multilingual does (RequestKey.translation: SHA-256 over
length-prefixed UTF-8 parts of the model, the prompt's SHA-256, the language and the source
texts) and writes sample/api-cache/translate/LA-recorded.jsonl, which `pipeline` reads with
--cache-from. Run it again after changing conf/prompts/translate.json or the default model.

It also keys sample/annotations/DC_recorded_replies.json (question-answer pairs for the two
annotations of sample/annotations/DC_dense_captions.jsonl, as replies to
conf/prompts/dense_captions.json, written by an AI assistant; no API was called) as generate-instructions does, into
sample/api-cache/generate/DC-recorded.jsonl.
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "gpt-4o-mini"  # ApiSettings.DEFAULT_MODEL
RECORDED_BY = "AI assistant as translator (sample recording)"
RECORDED_REPLIES = "AI assistant (sample recording)"


def key_of(*parts):
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        sha.update(f"{len(data)}:".encode("ascii"))
        sha.update(data)
    return sha.hexdigest()


def prompt_sha(path):
    """Prompt.sha256: the messages as Syphus renders them (a list of pairs as "<key>: <text>" lines)."""
    with open(path, encoding="utf-8") as f:
        prompt = json.load(f)
    parts = ["system", prompt["system_message"]]
    for message in prompt.get("in_context", []):
        content = message["content"]
        if not isinstance(content, str):
            content = "".join(f"{k}: {v}\n" for pair in content for k, v in pair.items())
        parts += [message["role"], content]
    return key_of(*parts)


def generation_cache(root):
    psha = prompt_sha(os.path.join(root, "conf/prompts/dense_captions.json"))
    with open(os.path.join(HERE, "annotations/DC_recorded_replies.json"), encoding="utf-8") as f:
        replies = json.load(f)
    out_path = os.path.join(HERE, "api-cache/generate/DC-recorded.jsonl")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    with open(os.path.join(HERE, "annotations/DC_dense_captions.jsonl"), encoding="utf-8") as src, \
            open(out_path, "w", encoding="utf-8") as out:
        for line in src:
            a = json.loads(line)
            key = key_of("mimicit-generate-v1", MODEL, psha, a["sentences"])
            out.write(json.dumps({"key": key, "id": a["id"], "model": RECORDED_REPLIES,
                                  "pairs": replies[a["id"]]}, ensure_ascii=False) + "\n")
    print(f"wrote {len(replies)} entries to {out_path}")


def main():
    root = os.path.dirname(HERE)
    with open(os.path.join(HERE, "mimicit/LA/LA_instructions.json"), encoding="utf-8") as f:
        data = json.load(f)["data"]
    psha = prompt_sha(os.path.join(root, "conf/prompts/translate.json"))
    out_path = os.path.join(HERE, "api-cache/translate/LA-recorded.jsonl")
    os.makedirs(os.path.dirname(out_path), exist_ok=True)
    n = 0
    with open(os.path.join(HERE, "translations/LA_recorded.jsonl"), encoding="utf-8") as src, \
            open(out_path, "w", encoding="utf-8") as out:
        for line in src:
            t = json.loads(line)
            source = data[t["ins_id"]]
            key = key_of("mimicit-translate-v1", MODEL, psha, t["lang"], source["instruction"], source["answer"])
            out.write(json.dumps({"key": key, "lang": t["lang"], "instruction": t["instruction"],
                                  "answer": t["answer"], "model": RECORDED_BY, "id": t["ins_id"]},
                                 ensure_ascii=False) + "\n")
            n += 1
    print(f"wrote {n} entries to {out_path}")
    generation_cache(root)


if __name__ == "__main__":
    main()
