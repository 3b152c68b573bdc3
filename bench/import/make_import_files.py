#!/usr/bin/env python3
"""Writes a large PackageSubscriber CSV, an sfLma__License__c CSV and a MetadataPackageVersion JSON for measuring
`pushsim import` (README "Importing a subscriber base"): make_import_files.py DIR [ROWS]. The files are for
measuring only; do not commit them. Versions are those of scenarios/packages/revenue_rollup_dashboard.json."""
import json
import os
import random
import sys

ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"


def checksum(id15):
    chars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ012345"
    out = ""
    for chunk in range(3):
        bits = 0
        for i in range(5):
            if "A" <= id15[chunk * 5 + i] <= "Z":
                bits |= 1 << i
        out += chars[bits]
    return id15 + out


def key(n):
    s = ""
    for _ in range(6):
        s = ALPHABET[n % 62] + s
        n //= 62
    return "00D5g0000" + s


def main():
    out = sys.argv[1]
    rows = int(sys.argv[2]) if len(sys.argv) > 2 else 1_000_000
    os.makedirs(out, exist_ok=True)
    rnd = random.Random(1)
    versions = {"2.2.0": "04t5g0000002BBB", "2.3.0": "04t5g0000003CCC", "2.3.1": "04t5g0000004DDD"}
    recs = [{"Id": checksum(i), "MajorVersion": int(v.split(".")[0]), "MinorVersion": int(v.split(".")[1]),
             "PatchVersion": int(v.split(".")[2])} for v, i in versions.items()]
    with open(os.path.join(out, "versions.json"), "w") as f:
        json.dump({"totalSize": len(recs), "done": True, "records": recs}, f)
    ids = [checksum(i) for i in versions.values()]
    instances = ["NA142", "USA246", "EU45", "UK12", "AP24"]
    statuses = ["Active"] * 8 + ["Trial", "Inactive"]
    with open(os.path.join(out, "subscribers.csv"), "w") as f:
        f.write("OrgKey,OrgName,OrgType,OrgStatus,InstanceName,ParentOrg,MetadataPackageVersionId,InstalledStatus\n")
        for n in range(rows):
            f.write('%s,"Org %d, Inc.",Production,%s,%s,,%s,i\n' % (
                checksum(key(n)), n, rnd.choice(statuses), rnd.choice(instances), rnd.choice(ids)))
    with open(os.path.join(out, "licenses.csv"), "w") as f:
        f.write("Id,sfLma__Subscriber_Org_ID__c,sfLma__Org_Instance__c,sfLma__Subscriber_Org_Is_Sandbox__c,"
                "sfLma__Status__c,sfLma__Used_Licenses__c,sfLma__Seats__c,sfLma__Org_Edition__c\n")
        rnd = random.Random(1)  # the same draws as the subscriber file: the same instance per org
        users_rnd = random.Random(2)
        for n in range(rows):
            rnd.choice(statuses)
            inst = rnd.choice(instances)
            rnd.choice(ids)
            users = users_rnd.randint(1, 5000)
            f.write("a0B5g0000%06d,%s,%s,false,Active,%d,%d,Enterprise Edition\n" % (
                n % 1000000, key(n), inst, users, users + 10))


if __name__ == "__main__":
    main()
