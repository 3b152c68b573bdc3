#!/usr/bin/env python3
"""Where the time goes: folds `perf script -F comm,ip,sym` samples (taken with --call-graph dwarf) into pushsim's
layers. A sample counts for the innermost pushsim frame's layer, so malloc, memcpy and simdjson under a layer
count for it. Usage: python3 bench/profile/layers.py perf_script.txt"""
import sys, re, collections
def layer(sym):
    s=sym
    if 'pushsim::sim::' in s: return 'sim kernel (event queue, run loop)'
    if 'pushsim::scheduler::rest' in s or s.startswith('simdjson'): return 'REST encode/decode, scheduler side (scheduler/rest, simdjson)'
    if 'pushsim::mock_org::api' in s:
        if re.search(r'soql|evaluator|query_endpoint|platform_data_source|render_page|render_one|render_records|render_query|append_json_value|icompare|compare_values|project_rows|query_columns|find_field', s): return 'SOQL (parse, evaluate, render query pages)'
        return 'REST handler, mock side (router, sobject/composite endpoints, bodies)'
    if 'pushsim::append_json' in s or 'json_text' in s: return 'REST handler, mock side (router, sobject/composite endpoints, bodies)'
    if 'generate_population' in s or 'population_generator' in s or 'alias_table' in s or 'index_insert' in s or 'rebuild_index' in s: return 'population generation'
    if 'pushsim::mock_org' in s: return 'platform + outcome model (mock_org)'
    if 'plan_rollout' in s or 'planner' in s or 'make_push_slots' in s or 'slot_loader' in s or 'select_random' in s or 'select_representative' in s or 'allowed_cells' in s: return 'planner'
    if 'pushsim::scheduler' in s: return 'executor (scheduler core)'
    if 'pushsim::harness' in s: return 'harness (transport, invariants, metrics, report)'
    return None
samples=[];cur=[]
for line in open(sys.argv[1]):
    if not line.strip():
        if cur: samples.append(cur); cur=[]
        continue
    if not line.startswith((' ','\t')): 
        if cur: samples.append(cur)
        cur=[]; continue
    parts=line.strip().split(' ',1)
    cur.append(parts[1] if len(parts)>1 else '')
if cur: samples.append(cur)
c=collections.Counter()
for st in samples:
    L=None
    for f in st:
        L=layer(f)
        if L: break
    if L is None: L='other (libc, kernel, unresolved)'
    c[L]+=1
n=len(samples)
for k,v in c.most_common(): print(f"| {k} | {100*v/n:.1f}% |")
print("samples",n)
