"""Free-text search over incidents: accent- and case-insensitive substring matching, with a word index for
large stores.

What matches (every path below gives exactly this): an incident matches a query when ``fold(query)`` is a
substring of ``fold(value)`` for one of :data:`SEARCH_COLUMNS`, where ``fold`` is the project's one folding rule
(:mod:`dashboard.data.textfold`: Unicode NFKD, nonspacing marks (accents) removed, case-folded) — so "segou" finds
"Ségou", "DOZO" finds "dozo" and "strasse" finds "Straße". A missing value never matches.

How it is fast (the times at 10 k–1 M incidents are in ``docs/benchmarks.md``):

* Columns whose values repeat (places, actor lists) are searched once per distinct value: their factorised codes
  and folded distinct values are kept, and the hits are spread back to the rows.
* Summaries (English and French) and sources are (nearly) unique per incident. Their folded text is cut into *words*: maximal runs of
  word bytes (ASCII letters and digits, and every byte of a non-ASCII character). A query made only of word bytes
  can only occur inside one word, so the incidents it matches are exactly those listed under the vocabulary words
  that contain it (the vocabulary is small next to the text; see :class:`WordIndex` for frequent and all-digit
  words). A query with other characters (spaces, punctuation) is narrowed, column by column, to the incidents
  holding every one of its word runs in that column, then checked exactly on their folded text there; a query with
  no word byte at all is checked on all of it (the slowest case).

The index is derived data: :mod:`dashboard.data.store` builds it with the store cache, saves it beside the store
as ``<store>.search.arrow`` (Arrow IPC, read whole into memory when opened, its checksum summed over what was
read) and trusts
it only when its key matches the cache's key and dataset version, it was built by this code, and its checksum
holds.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dashboard.data import textfold
from dashboard.data.freed import give_back
from dashboard.data.textfold import fold_array as fold

# ``summary_fr``: the French summary written beside the English one, so a French phrase finds the incident too
SEARCH_COLUMNS = ("summary", "summary_fr", "location", "admin2", "admin3", "perpetrators", "victims", "sources")
REPEATING_COLUMNS = ("location", "admin2", "admin3", "perpetrators", "victims")  # few distinct values
WORD_COLUMNS = ("summary", "summary_fr", "sources")  # one value per incident: word-indexed
_META = b"incident_map_search"
SCAN_SHARE = 0.25  # above this share of candidate rows, a phrase is checked by reading all the text
DENSE_SHARE = 1 / 32  # a word in more than this share of rows is kept as a bitmap of rows, not a list
# the build's temporary arrays are bounded by working a slice at a time: the text's bytes cut into words, the
# (word, row) pairs renumbered by the whole vocabulary
_WORD_ROWS = 1 << 17  # rows folded, and cut into words, at a time
_CUT_BYTES = 1 << 24
_RENUMBER_PAIRS = 1 << 24

_WORD_BYTE = np.zeros(256, dtype=bool)
_WORD_BYTE[[*range(ord("0"), ord("9") + 1), *range(ord("A"), ord("Z") + 1), *range(ord("a"), ord("z") + 1)]] = True
_WORD_BYTE[0x80:] = True  # every byte of a multi-byte UTF-8 character: a word never splits a character
_WORD_RUN = re.compile(rb"[0-9A-Za-z\x80-\xff]+")  # the same bytes, for queries


def fold_query(text: str) -> str:
    """The query folded exactly as the values are (by the same Arrow kernels)."""
    return fold(pa.array([text], pa.large_string()))[0].as_py()


@dataclass(frozen=True, eq=False)
class WordIndex:
    """The words of the word columns and, for each, the rows holding it and in which of those columns: a list of
    rows for most words, bitmaps of rows (one bit per row, one bitmap per column the word is in) for the frequent
    ones, so that a query contained in many words ("e", "de") ORs a few hundred bitmaps instead of gathering tens
    of millions of row numbers. Knowing the column lets a phrase be checked only where all its words are in the
    same column: "niono area" in a million synthetic incidents had 66,656 candidate rows in any column, checked
    in all three columns (filtering and scanning their text: 50 ms); by column, its words are together in the
    English summaries only."""

    words: pa.Array  # vocabulary (folded): the all-digit words first (dates, numbers, ids: often most of them)
    numeric: int  # how many all-digit words: a run with another character cannot be inside one, so is not scanned
    postings: pa.Array  # large_list<int32> aligned with ``words``: the rows holding each word (empty when dense)
    posting_columns: pa.Array  # large_list<uint8>, the same shape: bit c set when the word is in WORD_COLUMNS[c]
    dense_words: np.ndarray  # int32, sorted: the words kept as bitmaps, once per column they are in
    dense_columns: np.ndarray  # uint8 aligned with ``dense_words``: that bitmap's column (index in WORD_COLUMNS)
    dense_bits: np.ndarray  # uint8 (len(dense_words), ceil(rows / 8)): np.packbits of each of their row masks

    @classmethod
    def build(cls, texts: list[pa.Array], rows: int) -> WordIndex:
        """The index of ``texts`` (folded, one array per word column, ``rows`` long each).

        Memory: each column's words are numbered (:func:`_words`) :data:`_WORD_ROWS` rows at a time without being
        copied out as strings, and the (word, row) pairs are renumbered by the whole vocabulary a slice at a time. At a
        million synthetic incidents (56.6 million words) this build's peak over the folded text, measured, was 2.2 GB
        when every column's words were copied out and numbered together, 1.2 GB when each column was cut whole (its
        cutting alone then took 820 MB for the summaries); the renumbering and the sort are now the peak
        (docs/benchmarks.md has the cold load's). After the sort, the rows and each word's count are read from the
        keys a slice at a time: making the deduplicated keys and the words' numbers whole beside them took the
        build of the same million (from the searched columns read, 1.2 GB) to 2.79–2.90 GB, so 2.42–2.53 GB."""
        if len(texts) > 8:
            raise ValueError("a word's columns are kept as the bits of one byte: at most 8 word columns")
        local_words, local_pairs = [], []  # of each slice of rows of each column, in turn
        for c, text in enumerate(texts):
            for first_row in range(0, len(text), _WORD_ROWS):
                distinct, number, row = _words(text.slice(first_row, _WORD_ROWS))
                row += first_row
                local_words.append(distinct)
                local_pairs.append((c, number, row))
        # the vocabulary: each slice's words in turn, as one encoding of every token would have numbered them
        encoded = pa.chunked_array(local_words, pa.large_string()).combine_chunks().dictionary_encode()
        digits = pc.ascii_is_decimal(encoded.dictionary).to_numpy(zero_copy_only=False)
        order = np.concatenate([np.flatnonzero(digits), np.flatnonzero(~digits)])
        vocabulary = encoded.dictionary.take(pa.array(order))
        new_id = np.empty(len(order), dtype=np.int64)
        new_id[order] = np.arange(len(order))
        word_of_local = new_id[encoded.indices.to_numpy()]  # a slice's word number (after the earlier slices')
        first_local = np.cumsum([0, *(len(w) for w in local_words)])
        del encoded, new_id, local_words
        keys = np.empty(sum(len(n) for _, n, _ in local_pairs), dtype=np.int64)  # word, row, column: sorted in place
        at = 0
        for s, (c, number, row) in enumerate(local_pairs):
            local_pairs[s] = None  # each slice's pairs let go as they are renumbered
            for lo in range(0, len(number), _RENUMBER_PAIRS):
                part = slice(lo, lo + _RENUMBER_PAIRS)
                out = keys[at + lo:at + lo + len(number[part])]
                np.left_shift(word_of_local[first_local[s] + number[part]], 35, out=out)
                out |= row[part].astype(np.int64) << 3
                out |= c
            at += len(number)
            del number, row
            give_back()  # the slice's pairs: else C's heap keeps them while the keys grow beside them (at a
            # million after an import linked some reports, the build's peak over its start: 1,133 MB, 968 MB so)
        del word_of_local, local_pairs
        keys.sort()
        in_columns = keys.astype(np.uint8)  # the low byte (its 3 low bits: the column), without an int64 copy
        np.left_shift(np.uint8(1), in_columns & 7, out=in_columns)
        keys >>= 3  # word and row: a word counts once per incident, with the columns it is in
        first = np.ones(len(keys), dtype=bool)
        first[1:] = keys[1:] != keys[:-1]
        if not first.all():  # each run's first takes the others' bits: ORed over 1, 2, 4... rows ahead in the run
            shift = 1
            while shift < len(keys) and (same := keys[shift:] == keys[:-shift]).any():
                in_columns[:-shift] |= np.where(same, in_columns[shift:], np.uint8(0))
                shift *= 2
            in_columns = in_columns[first]
        # each pair's row, and each word's number of rows, read from the sorted keys a slice at a time: neither the
        # deduplicated keys nor the words' numbers are made whole beside them
        row_of = np.empty(len(in_columns), dtype=np.int32)
        counts = np.zeros(len(vocabulary), dtype=np.int64)
        at = 0
        for lo in range(0, len(keys), _RENUMBER_PAIRS):
            part = keys[lo:lo + _RENUMBER_PAIRS][first[lo:lo + _RENUMBER_PAIRS]]
            np.bitwise_and(part, 0xFFFFFFFF, out=row_of[at:at + len(part)], casting="same_kind")
            counts += np.bincount(part >> 32, minlength=len(vocabulary))
            at += len(part)
        del keys, first
        dense = np.flatnonzero(counts > DENSE_SHARE * rows).astype(np.int32)
        offsets = np.zeros(len(vocabulary) + 1, dtype=np.int64)
        np.cumsum(counts, out=offsets[1:])
        dense_words, dense_columns, bitmaps = [], [], []
        mask = np.zeros(rows, dtype=bool)
        for w in dense:
            holding, cols = row_of[offsets[w]:offsets[w + 1]], in_columns[offsets[w]:offsets[w + 1]]
            for c in range(len(texts)):
                in_c = (cols >> c) & 1 == 1
                if in_c.any():
                    mask[:] = False
                    mask[holding[in_c]] = True
                    dense_words.append(w)
                    dense_columns.append(c)
                    bitmaps.append(np.packbits(mask))
        is_dense = np.zeros(len(vocabulary), dtype=bool)
        is_dense[dense] = True
        np.cumsum(np.where(is_dense, 0, counts), out=offsets[1:])  # dense words keep an empty list
        sparse = ~np.repeat(is_dense, counts)
        offsets = pa.array(offsets)
        return cls(words=vocabulary, numeric=int(digits.sum()),
                   postings=pa.LargeListArray.from_arrays(offsets, pa.array(row_of[sparse])),
                   posting_columns=pa.LargeListArray.from_arrays(offsets, pa.array(in_columns[sparse])),
                   dense_words=np.array(dense_words, dtype=np.int32),
                   dense_columns=np.array(dense_columns, dtype=np.uint8),
                   dense_bits=np.array(bitmaps, dtype=np.uint8).reshape(len(bitmaps), (rows + 7) // 8))

    def containing(self, run: str) -> np.ndarray:
        """The words (sorted ids) that contain ``run``."""
        skip = 0 if run.isascii() and run.isdigit() else self.numeric
        return (np.flatnonzero(_contains(self.words.slice(skip), run)) + skip).astype(np.int32)

    def rows_with(self, run: str, rows: int) -> np.ndarray:
        """Mask of the rows holding a word that contains ``run``: ``rows_holding(containing(run), rows)``, the
        frequent words first. When their bitmaps alone already hold every row (a letter, "de": what is typed first
        in the search box), that is the answer and the vocabulary is not read. Measured at a million synthetic
        incidents: a letter's mask took 12-26 ms (the vocabulary read for "1": 12.5 ms; gathering the lists of
        12,000-22,000 rare words: 9-13 ms), while the 40-67 frequent words holding it already covered every row."""
        frequent = np.unique(self.dense_words)
        if len(frequent):
            found = self.rows_holding(frequent[_contains(self.words.take(pa.array(frequent)), run)], rows)
            if found.all():
                return found
        return self.rows_holding(self.containing(run), rows)

    def rows_holding(self, which: np.ndarray, rows: int, column: int | None = None) -> np.ndarray:
        """Mask of the rows holding one of the words ``which`` (sorted ids), in the word column ``column`` (its
        index in WORD_COLUMNS) or, when ``None``, in any of them."""
        found = np.zeros(rows, dtype=bool)
        if not len(which):
            return found
        bitmaps = np.isin(self.dense_words, which)
        if column is not None:
            bitmaps &= self.dense_columns == column
        if bitmaps.any():
            found |= np.unpackbits(np.bitwise_or.reduce(self.dense_bits[bitmaps], axis=0), count=rows).view(bool)
        sparse = which[np.isin(which, self.dense_words, invert=True)]
        if len(sparse) and not found.all():  # every row already found: the lists cannot add one
            taken = pa.array(sparse)
            holding = pc.list_flatten(self.postings.take(taken)).to_numpy()
            if column is not None:
                cols = pc.list_flatten(self.posting_columns.take(taken)).to_numpy()
                holding = holding[(cols >> column) & 1 == 1]
            found[holding] = True
        return found

    def arrays(self) -> dict[str, pa.Array]:
        return {"words": self.words, "numeric": pa.array([self.numeric], pa.int64()), "postings": self.postings,
                "posting_columns": self.posting_columns, "dense_words": pa.array(self.dense_words),
                "dense_columns": pa.array(self.dense_columns), "dense_bits": pa.array(self.dense_bits.reshape(-1))}

    @classmethod
    def from_arrays(cls, column: dict[str, pa.Array], rows: int) -> WordIndex:
        dense_words = column["dense_words"].to_numpy()
        bits = column["dense_bits"].to_numpy().reshape(len(dense_words), (rows + 7) // 8)
        index = cls(words=column["words"], numeric=column["numeric"][0].as_py(), postings=column["postings"],
                    posting_columns=column["posting_columns"], dense_words=dense_words,
                    dense_columns=column["dense_columns"].to_numpy(), dense_bits=bits)
        if (len(index.postings) != len(index.words) or not 0 <= index.numeric <= len(index.words)
                or len(index.posting_columns) != len(index.words) or len(index.dense_columns) != len(dense_words)):
            raise ValueError("the saved word index does not have the expected shape")
        return index


@dataclass(frozen=True, eq=False)
class SearchIndex:
    """Everything needed to answer a text query on one frame, by row position. Treat as read-only."""

    rows: int
    codes: dict[str, np.ndarray]  # repeating column -> int32 code per row (-1: missing)
    uniques: dict[str, pa.Array]  # repeating column -> folded distinct values
    texts: dict[str, pa.Array]  # word column -> folded text per row
    words: WordIndex | None = None  # of the word columns (None: no word index, the texts are scanned)

    @classmethod
    def build(cls, incidents: pd.DataFrame, *, words: bool = True,
              previous: tuple[SearchIndex, np.ndarray] | None = None) -> SearchIndex:
        """The index of ``incidents``. ``previous``: an index and, for each row here, the row of the same value
        there (-1: a new row): the word columns' folded text is taken from it and only new rows are folded (the
        same folding either way; a new dataset version after an import: :mod:`dashboard.data.incremental`)."""
        codes, uniques, texts = {}, {}, {}
        for col in REPEATING_COLUMNS:
            code, distinct = pd.factorize(incidents[col], use_na_sentinel=True)
            codes[col] = code.astype(np.int32)
            uniques[col] = fold(pa.array(np.asarray(distinct, dtype=object), pa.large_string()))
        for col in WORD_COLUMNS:
            texts[col] = _fold_slices(_arrow(incidents[col])) if previous is None else _refold(incidents[col],
                                                                                           *previous, col)
        index = cls(rows=len(incidents), codes=codes, uniques=uniques, texts=texts)
        return index.with_words() if words else index

    def with_words(self) -> SearchIndex:
        """This index with its word index, built from its folded text alone (the frame it was built from may be let
        go first: :func:`dashboard.data.store._write_derived`)."""
        return replace(self, words=WordIndex.build(list(self.texts.values()), self.rows))

    def mask(self, text: str) -> np.ndarray:
        """Boolean mask (by row position) of the rows matching ``text``; see the module docstring."""
        needle = fold_query(text)
        runs = sorted(set(_WORD_RUN.findall(needle.encode())), key=len, reverse=True)
        if self.words is not None and runs == [needle.encode()]:  # exact: the query can only occur inside a word
            # the words first: a short query ("e") is in nearly every summary, and once every row matches the
            # repeating columns need not be read (5 gathers of a million codes, 9 of the 22 ms at 1 M)
            return self._repeating(needle, self.words.rows_with(needle, self.rows))
        hit = self._repeating(needle, np.zeros(self.rows, dtype=bool))
        if self.words is None or not runs:
            for values in self.texts.values():
                hit |= _scan(values, needle)
            return hit
        words = [self.words.containing(run.decode()) for run in runs]  # longest run first: usually the rarest
        for c, values in enumerate(self.texts.values()):  # its runs all in one value: in the words of one column
            candidates = None
            for which in words:
                holding = self.words.rows_holding(which, self.rows, c)
                candidates = holding if candidates is None else candidates & holding
                if not candidates.any():
                    break
            left = candidates & ~hit  # the rows found in one column are not checked in the next
            if not left.any():
                continue
            if left.sum() > SCAN_SHARE * self.rows:  # copying most of the text to check it costs more than reading it
                hit |= left & _scan(values, needle)
                continue
            rows = np.flatnonzero(left)
            # a take by row number: 6.5 ms for 66,656 of a million summaries, a mask filter 9 ms
            hit[rows[_scan(values.take(pa.array(rows)), needle)]] = True
        return hit

    def _repeating(self, needle: str, hit: np.ndarray) -> np.ndarray:
        """``hit`` (changed in place) or the rows whose value of a repeating column holds ``needle``; not read
        once every row is a hit."""
        for col, codes in self.codes.items():
            if hit.all():
                break
            per_value = _contains(self.uniques[col], needle)
            if per_value.any():
                hit |= np.append(per_value, False)[codes]  # code -1 (missing) reads the appended False
        return hit

    # ---- persistence ------------------------------------------------------------------------------------
    def save(self, path: str | Path, key: dict) -> None:
        """Write as one Arrow IPC file (a single row of list columns, so arrays of different lengths fit)."""
        if self.words is None:
            raise ValueError("only an index with its word index is worth saving")
        arrays = self.words.arrays()
        arrays |= {f"text:{c}": v for c, v in self.texts.items()}
        arrays |= {f"codes:{c}": pa.array(v) for c, v in self.codes.items()}
        arrays |= {f"uniques:{c}": v for c, v in self.uniques.items()}
        table = pa.table({name: pa.LargeListArray.from_arrays(pa.array([0, len(v)], pa.int64()), v)
                          for name, v in arrays.items()})
        meta = {"key": key, "rows": self.rows, "format": search_fingerprint(), "digest": _digest(arrays)}
        table = table.replace_schema_metadata({_META: json.dumps(meta).encode()})
        with pa.OSFile(str(path), "wb") as sink, pa.ipc.new_file(sink, table.schema) as writer:
            writer.write_table(table)

    @classmethod
    def open(cls, path: str | Path, key: dict) -> SearchIndex | None:
        """The saved index if it was built for ``key`` by this version of the code, else ``None``. Read whole into
        the process's memory, once (its checksum is then summed over what was read; a damaged file is an error).

        Not memory-mapped: a phrase reads the candidates' texts at random, and pages of a mapped file that went unread
        for a while can be dropped by the kernel (this VM's proactive reclaim, DAMON, pages out what has not been read
        for seconds) and read back from disk one by one; measured at 1 M in the benchmark, a phrase's first call over
        mapped texts took 106 ms and 444 ms in two runs (median 49-56 ms, its mask alone 20-29 ms). Measured at a
        million incidents (a 500 MB index), opening it mapped and then copying the texts into memory grew the process
        by 900 MB; read whole, by 505 MB. Opening took 0.1-1.7 s either way, a phrase's median 27-28 ms."""
        with pa.OSFile(str(path), "r") as source:
            reader = pa.ipc.open_file(source)
            meta = json.loads(reader.schema.metadata[_META])
            if meta.get("key") != key or meta.get("format") != search_fingerprint():
                return None
            table = reader.read_all()
        column = {name: table.column(name).chunk(0).values for name in table.column_names}
        if _digest(column) != meta.get("digest"):
            raise ValueError("the saved search index is damaged (its checksum differs)")
        rows = int(meta["rows"])
        index = cls(
            rows=rows,
            codes={c: column[f"codes:{c}"].to_numpy() for c in REPEATING_COLUMNS},
            uniques={c: column[f"uniques:{c}"] for c in REPEATING_COLUMNS},
            texts={c: column[f"text:{c}"] for c in WORD_COLUMNS},
            words=WordIndex.from_arrays(column, rows),
        )
        lengths = [len(v) for v in (*index.codes.values(), *index.texts.values())]
        if lengths != [rows] * len(lengths):
            raise ValueError("the saved search index does not have the expected shape")
        return index


def text_mask(incidents: pd.DataFrame, text: str, index: SearchIndex | None = None) -> np.ndarray:
    """Rows of ``incidents`` matching ``text``: with ``index`` (built on exactly this frame) or by a scan."""
    if index is None:
        index = SearchIndex.build(incidents, words=False)
    elif index.rows != len(incidents):
        raise ValueError(f"the search index covers {index.rows} rows, not these {len(incidents)}")
    return index.mask(text)


@cache
def search_fingerprint() -> str:
    """This module's code and the folding rule's: an index built by other code (another folding or word rule) is
    not used."""
    digest = hashlib.sha256(Path(__file__).read_bytes())
    digest.update(Path(textfold.__file__).read_bytes())
    return digest.hexdigest()[:16]


# ---- helpers ------------------------------------------------------------------------------------------------
def _large(values: pa.Array | pa.ChunkedArray) -> pa.Array:
    if isinstance(values, pa.ChunkedArray):
        values = values.combine_chunks()
    return values if values.type == pa.large_string() else values.cast(pa.large_string())


def _arrow(values: pd.Series) -> pa.Array:
    return _large(pa.array(values.array, from_pandas=True) if values.dtype != object
                  else pa.array(values.to_numpy(), pa.large_string(), from_pandas=True))


def _fold_slices(values: pa.Array) -> pa.Array:
    """``fold(values)``, :data:`_WORD_ROWS` values at a time: the folding's intermediate arrays (lowered, normalised,
    marks removed) are those of a slice, not of the whole column. Measured on a million synthetic summaries (170 MB):
    folding them whole took 596 MB of Arrow memory beyond the input, a slice at a time 337 MB (the folded
    slices and their concatenation)."""
    if len(values) <= _WORD_ROWS:
        return _large(fold(values))
    return pa.concat_arrays([_large(fold(values.slice(a, _WORD_ROWS))) for a in range(0, len(values), _WORD_ROWS)])


def _refold(values: pd.Series, previous: SearchIndex, row_before: np.ndarray, col: str) -> pa.Array:
    """The folded ``values``: rows with a previous row take its folded text, the others are folded here."""
    new = np.flatnonzero(row_before < 0)
    folded = fold(_arrow(values.iloc[new]))
    taken = np.asarray(row_before, dtype=np.int64).copy()
    taken[new] = previous.rows + np.arange(len(new))
    both = pa.concat_arrays([_large(previous.texts[col]), _large(folded)])
    return _large(both.take(pa.array(taken)))


def _contains(values: pa.Array, needle: str) -> np.ndarray:
    return pc.fill_null(pc.match_substring(values, needle), False).to_numpy(zero_copy_only=False)


def _scan(texts: pa.Array, needle: str) -> np.ndarray:
    """``_contains`` for long texts: RE2 reads long strings several times faster than the plain substring
    kernel (which wins on short ones). Every character but ASCII letters and digits is written as a code point,
    so the pattern is the literal needle whatever it holds."""
    pattern = "".join(ch if ch.isascii() and ch.isalnum() else f"\\x{{{ord(ch):x}}}" for ch in needle)
    return pc.fill_null(pc.match_substring_regex(texts, pattern), False).to_numpy(zero_copy_only=False)


def _digest(arrays: dict[str, pa.Array]) -> str:
    """A 64-bit wrapping sum of every value, offset and null position of each array, per array: it catches
    damaged bytes (not tampering) in one vectorised pass, and depends only on the arrays' contents,
    so it is the same in memory and read back from the file."""
    def words(buffer: np.ndarray) -> int:
        raw = np.ascontiguousarray(buffer).view(np.uint8)
        head = len(raw) // 8 * 8
        return int(raw[:head].view(np.uint64).sum(dtype=np.uint64)) + int(raw[head:].sum(dtype=np.uint64))

    def of(array: pa.Array) -> list[int]:
        parts = [len(array), array.null_count]
        if array.null_count:
            parts.append(words(np.flatnonzero(pc.is_null(array).to_numpy(zero_copy_only=False))))
        if pa.types.is_large_list(array.type):
            offsets = array.offsets.to_numpy()
            return [*parts, words(offsets - offsets[0]), *of(array.flatten())]
        if pa.types.is_large_string(array.type):
            _, offset_buf, data_buf = array.buffers()
            offsets = np.frombuffer(offset_buf, np.int64)[array.offset:array.offset + len(array) + 1]
            data = np.frombuffer(data_buf, np.uint8)[offsets[0]:offsets[-1]] if data_buf else np.zeros(0, np.uint8)
            return [*parts, words(offsets - offsets[0]), words(data)]
        return [*parts, words(array.to_numpy(zero_copy_only=False))]

    return hashlib.sha256(json.dumps({name: of(v) for name, v in arrays.items()}).encode()).hexdigest()[:16]


def _words(folded: pa.Array) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Every word of every value (maximal runs of word bytes, never across values) as (the distinct words in order
    of first appearance, each word's number in that list, the row it is in; both int32).

    Memory: the word boundaries are found :data:`_CUT_BYTES` bytes at a time and kept as 32-bit offsets, and the words
    are numbered over the text itself (one string array whose items alternate word, gap, word...), never copied out
    as strings. Measured on the sources of a million synthetic incidents (216 MB of text, 29.6 million words), the
    peak over the text was 721 MB when the whole text was cut at once and its words copied out, 563 MB so; the words
    a caller then holds are 8 bytes each (two int32), not a string each."""
    folded = _large(pc.fill_null(folded, ""))  # a null's slot may hold bytes: make it empty
    _, offset_buf, data_buf = folded.buffers()
    offsets = np.frombuffer(offset_buf, dtype=np.int64)[folded.offset:folded.offset + len(folded) + 1]
    lo, hi = int(offsets[0]), int(offsets[-1])
    nothing = pa.array([], pa.large_string()), np.zeros(0, dtype=np.int32), np.zeros(0, dtype=np.int32)
    if data_buf is None or hi == lo:
        return nothing
    small = hi - lo < 2**31 - 1  # 32-bit offsets into the text (else 64-bit)
    at = np.int32 if small else np.int64
    data = np.frombuffer(data_buf, dtype=np.uint8, count=hi - lo, offset=lo)
    value_starts = offsets - lo  # also the end of the text
    starts, ends, rows = [], [], []
    for a in range(0, hi - lo, _CUT_BYTES):
        b = min(a + _CUT_BYTES, hi - lo)
        word = np.zeros(b - a + 2, dtype=bool)  # positions a-1..b: one byte of context each side (none outside)
        seen_lo, seen_hi = max(a - 1, 0), min(b + 1, hi - lo)
        word[seen_lo - (a - 1):seen_hi - (a - 1)] = _WORD_BYTE[data[seen_lo:seen_hi]]
        new_value = np.zeros(b - a + 1, dtype=bool)  # positions a..b that start a value
        inside = value_starts[(value_starts >= a) & (value_starts <= b)]
        new_value[inside - a] = True
        here = word[1:-1]
        first = np.flatnonzero(here & (~word[:-2] | new_value[:-1])) + a
        starts.append(first.astype(at))
        ends.append((np.flatnonzero(here & (~word[2:] | new_value[1:])) + (a + 1)).astype(at))
        rows.append((np.searchsorted(value_starts, first, side="right") - 1).astype(np.int32))
    n = sum(len(s) for s in starts)
    if not n:
        return nothing
    row = np.concatenate(rows)
    del rows
    # one string array over the same bytes whose items alternate word, gap, word...; the words are every other item
    bounds = np.empty(2 * n, dtype=at)
    bounds[0::2], bounds[1::2] = np.concatenate(starts), np.concatenate(ends)
    del starts, ends
    kind = pa.string() if small else pa.large_string()
    spans = pa.Array.from_buffers(kind, 2 * n - 1, [None, pa.py_buffer(bounds), data_buf.slice(lo, hi - lo)])
    encoded = spans.dictionary_encode()
    del spans, bounds
    number = encoded.indices.to_numpy()[0::2].astype(np.int32)
    dictionary = encoded.dictionary
    del encoded
    used = np.zeros(len(dictionary), dtype=bool)
    used[number] = True
    if not used.all():  # a gap's text is not a word: renumber the words only (their order of appearance is kept)
        renumber = np.cumsum(used, dtype=np.int64) - 1
        number = renumber[number].astype(np.int32)
        dictionary = dictionary.filter(pa.array(used))
    return _large(dictionary), number, row
