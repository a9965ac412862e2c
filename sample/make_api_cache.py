#!/usr/bin/env python3
"""Builds the sample's recorded API cache from the human translations.

sample/translations/LA_recorded.jsonl holds translations of 24 LA pairs into zh, ja, ko, de, fr,
es and ar, written by hand (one JSON object per line: ins_id, lang, instruction, answer). This
script keys each one as expand-multilingual does (RequestKey.translation: SHA-256 over
length-prefixed UTF-8 parts of the model, the prompt's SHA-256, the language and the source
texts) and writes sample/api-cache/translate/LA-recorded.jsonl, which `pipeline` reads with
--cache-from. Run it again after changing conf/prompts/translate.json or the default model.
"""
import hashlib
import json
import os

HERE = os.path.dirname(os.path.abspath(__file__))
MODEL = "gpt-4o-mini"  # ApiSettings.DEFAULT_MODEL
RECORDED_BY = "human translator (sample recording)"


def key_of(*parts):
    sha = hashlib.sha256()
    for part in parts:
        data = part.encode("utf-8")
        sha.update(f"{len(data)}:".encode("ascii"))
        sha.update(data)
    return sha.hexdigest()


def prompt_sha(path):
    with open(path, encoding="utf-8") as f:
        prompt = json.load(f)
    parts = ["system", prompt["system_message"]]
    for message in prompt.get("in_context", []):
        parts += [message["role"], message["content"]]
    return key_of(*parts)


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


if __name__ == "__main__":
    main()
