#!/usr/bin/env python3
import re, sys, collections
log = open(sys.argv[1]).read().split('\n')
edits = collections.defaultdict(set)   # file -> {(line, col)} awaits in closure
starts = collections.defaultdict(set)  # file -> {start line}
unhandled = []
i = 0
while i < len(log):
    m = re.match(r"macro expansion #(expect|require):(\d+):(\d+): error: (.*)", log[i])
    if m and ("'async' call in a function that does not support concurrency" in m.group(4) or "is 'async' but is not marked" in m.group(4)):
        k, col = int(m.group(2)), int(m.group(3))
        n = re.match(r"`- (/[^:]+):(\d+):(\d+): note: expanded code originates here", log[i+1]) if i+1 < len(log) else None
        if not n:
            unhandled.append(log[i]); i += 1; continue
        f, end = n.group(1), int(n.group(2))
        src = open(f).read().split('\n')
        s = end - 1
        while s >= 0 and not re.search(r'#(expect|require)\(', src[s]): s -= 1
        if k == 1:
            # find the expansion's line 1 text in the following log lines
            exp = None
            for j in range(i+2, min(i+40, len(log))):
                mm = re.match(r'\s*\|1 \| (.*)$', log[j])
                if mm: exp = mm.group(1); break
            if exp is None: unhandled.append(log[i]); i += 1; continue
            needle = exp[col-1:col-1+25]
            found = False
            for L in range(s, end):
                c = src[L].find(needle)
                if c >= 0:
                    edits[f].add((L+1, c+1)); starts[f].add(s+1); found = True; break
            if not found: unhandled.append(log[i] + ' needle ' + needle)
            i += 1; continue
        # closure starts on the line of '{' that opens body: assume same line as macro start
        edits[f].add((s + 1 + (k - 1), col)); starts[f].add(s + 1)
    i += 1
for f in set(edits) | set(starts):
    src = open(f).read().split('\n')
    byline = collections.defaultdict(set)
    for l, c in edits[f]: byline[l].add(c)
    for l, cols in byline.items():
        t = src[l-1]
        for c in sorted(cols, reverse=True):
            p = c - 1; rest = t[p:]
            mm = re.match(r'(try[?!]?\s+)', rest)
            if mm:
                if not rest[mm.end():].startswith('await'): t = t[:p+mm.end()] + 'await ' + t[p+mm.end():]
            elif not t[:p].rstrip().endswith('await'):
                t = t[:p] + 'await ' + t[p:]
        src[l-1] = t
    for l in starts[f]:
        t = src[l-1]
        mm = re.search(r'(try\s+)?#(expect|require)\(', t)
        if mm and 'await #' not in t:
            if mm.group(1): t = t[:mm.start()] + 'try await ' + t[mm.start()+len(mm.group(1)):]
            else: t = t[:mm.start()] + 'await ' + t[mm.start():]
        src[l-1] = t
    open(f, 'w').write('\n'.join(src))
print("macro files", len(set(edits)), "edits", sum(len(v) for v in edits.values()), "unhandled", len(unhandled))
for u in unhandled[:10]: print(u)
