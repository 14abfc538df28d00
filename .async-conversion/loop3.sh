#!/bin/bash
cd /work/wt-async
p=$1; i=$2; max=$3; shift 3
while [ $i -le $max ]; do
  swift build "$@" > /tmp/asyncfix/$p$i.log 2>&1
  n=$(grep -c "error:" /tmp/asyncfix/$p$i.log)
  echo "iter $i errors $n $(date +%T)"
  [ "$n" = 0 ] && break
  a=$(python3 /tmp/asyncfix/fix.py /tmp/asyncfix/$p$i.log | grep "^files")
  echo "$a"
  if echo "$a" | grep -q "awaits 0 funcs 0"; then
    b=$(python3 /tmp/asyncfix/macro.py /tmp/asyncfix/$p$i.log 2>/dev/null | head -1); echo "$b"
    if echo "$b" | grep -q "edits 0"; then
     grep "^/work.*error:" /tmp/asyncfix/$p$i.log | grep -v "is 'async' but is not marked\|call in a function that does not" | sort -u | sed 's|/work/wt-async/||' | head -${SHOW:-40}
     break
    fi
  fi
  i=$((i+1))
done
