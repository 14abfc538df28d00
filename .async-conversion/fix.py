#!/usr/bin/env python3
"""Reads swift build output; inserts `await` at async call sites and marks enclosing funcs async."""
import re, sys, collections
log = open(sys.argv[1]).read()
root = sys.argv[2] if len(sys.argv) > 2 else '/work/wt-async'
pat = re.compile(r"^(/[^:\n]+\.swift):(\d+):(\d+): error: (.*)$", re.M)
awaits = collections.defaultdict(set)   # file -> {(line,col)}
asyncfuncs = collections.defaultdict(set)  # file -> {line}
other = []
for m in pat.finditer(log):
    f, l, c, msg = m.group(1), int(m.group(2)), int(m.group(3)), m.group(4)
    if not f.startswith(root): continue
    if "expression is 'async' but is not marked with 'await'" in msg:
        awaits[f].add((l, c))
    elif "'async' call in a function that does not support concurrency" in msg:
        awaits[f].add((l, c)); asyncfuncs[f].add(l)
    elif "'async' call in an autoclosure that does not support concurrency" in msg:
        awaits[f].add((l, c)); other.append(m.group(0))
    else:
        other.append(m.group(0))
funcre = re.compile(r"^(\s*)(?:@[\w()]+\s+)*(?:(?:public|private|fileprivate|internal|static|mutating|override|nonisolated|final|package|@discardableResult|@_spi\(\w+\))\s+)*(?:func|init)\b")
files = set(awaits) | set(asyncfuncs)
for f in files:
    lines = open(f).read().split('\n')
    # mark funcs async first (by line index, insertion doesn't change line numbers)
    done = set()
    for l in sorted(asyncfuncs[f]):
        ind = len(lines[l-1]) - len(lines[l-1].lstrip())
        i = l - 2
        if funcre.match(lines[l-1]) and '{' in lines[l-1]:
            i = l - 1
        def body_end(i):
            depth = 0; started = False
            for k in range(i, len(lines)):
                t = re.sub(r'"(?:[^"\\]|\\.)*"', '""', lines[k])
                for ch in t:
                    if ch == '{': depth += 1; started = True
                    elif ch == '}': depth -= 1
                if started and depth <= 0: return k + 1
            return len(lines)
        while i >= 0 and i != l - 1:
            m = funcre.match(lines[i])
            if m and len(m.group(1)) < ind and body_end(i) >= l:
                break
            i -= 1
        if i < 0 or i in done:
            if i < 0: print("NOFUNC", f, l)
            continue
        done.add(i)
        # find signature end: first line from i that ends with '{' (body open)
        j = i
        while j < len(lines) and not lines[j].rstrip().endswith('{'):
            j += 1
        sig = '\n'.join(lines[i:j+1])
        if ' async' in sig.split('{')[0] and re.search(r'\basync\b', sig):
            continue
        # replace last 'throws' / 'rethrows' before body '{'
        k = sig.rfind('{')
        head, tail = sig[:k], sig[k:]
        mm = list(re.finditer(r'\b(re)?throws\b', head))
        # only throws after the closing ')' of params at depth 0
        depth = 0; cut = None
        fm = re.search(r'\b(func\s+\w+|init)\b', head)
        start = fm.end() if fm else 0
        for idx, ch in enumerate(head):
            if idx < start: continue
            if ch == '(': depth += 1
            elif ch == ')':
                depth -= 1
                if depth == 0 and cut is None: cut = idx
        if cut is None:
            print("NOSIG", f, i+1); continue
        after = head[cut+1:]
        t = re.search(r'\b(re)?throws\b', after)
        if t and t.group(0) == 'rethrows':
            print("RETHROWS", f, i+1)
            after = after[:t.start()] + 'async throws' + after[t.end():]
        elif t:
            after = after[:t.start()] + 'async ' + after[t.start():]
        else:
            a = re.search(r'->', after)
            if a: after = after[:a.start()] + 'async ' + after[a.start():]
            else:
                after = after.rstrip() + ' async '
        newsig = head[:cut+1] + after + tail
        lines[i:j+1] = newsig.split('\n')
    # awaits: per line, right-to-left
    byline = collections.defaultdict(list)
    for (l, c) in awaits[f]: byline[l].append(c)
    for l, cols in byline.items():
        s = lines[l-1]
        for c in sorted(set(cols), reverse=True):
            p = c - 1
            rest = s[p:]
            if re.match(r'await\b', rest): continue
            m = re.match(r'(try[?!]?\s+)', rest)
            if m:
                if re.match(r'await\b', rest[m.end():]): continue
                s = s[:p+m.end()] + 'await ' + s[p+m.end():]
            else:
                # avoid double insertion when preceded by 'await '
                if s[:p].rstrip().endswith('await'): continue
                s = s[:p] + 'await ' + s[p:]
        lines[l-1] = s
    open(f, 'w').write('\n'.join(lines))
print("files", len(files), "awaits", sum(len(v) for v in awaits.values()), "funcs", sum(len(v) for v in asyncfuncs.values()))
for o in other[:80]: print(o)
print("other", len(other))
