# The jq row of benchmarks/throughput.py: what `hotjar-cli validate` decides, written as a jq filter.
#
# Run as `jq -nRc -f benchmarks/validate.jq FILE`. Lines are read raw (-R) and parsed with `fromjson`
# one by one, because plain `jq` stops at the first broken line while validate reports it and goes on.
# For each message it does the work of the mapping core's per-message rules: classify the type, honour
# `integrations`, check the userId and the event name (including the character class, with the same regex),
# and look at every top-level trait (reserved `id`, nested objects, lists, long names, long strings, unsafe
# numbers). Like validate, it folds everything into one summary of outcome and rule counts instead of
# printing a line per event.
#
# It does a little less than validate, so the comparison flatters jq: no site-wide limits (HJ206, HJ304,
# which need state across messages), no advisory rules (HJ005, HJ108, HJ305), no examples and no line
# positions. On the generated data its outcome counts equal validate's; throughput.py checks that.

def classify:
  if type != "object" then {o: "invalid", r: ["HJ002"]}
  elif ((.type | IN("identify", "track", "page", "screen", "group", "alias")) | not) then
    {o: "invalid", r: ["HJ003"]}
  elif (.integrations | type == "object" and (.Hotjar == false or (.All == false and (has("Hotjar") | not)))) then
    {o: "ignored", r: ["HJ102"]}
  elif .type == "identify" then
    if (.userId | . == null or . == false or . == "" or . == 0) then {o: "rejected", r: ["HJ103"]}
    elif (.traits | . != null and type != "object") then {o: "rejected", r: ["HJ107"]}
    else
      ([(.traits // {}) | to_entries[]
        | if .key == "id" then "HJ105"
          elif (.value | type) == "object" then "HJ201"
          elif (.value | type) == "array" then "HJ202"
          elif (.key | length) > 50 then "HJ203"
          elif (.value | type) == "string" and (.value | length) > 200 then "HJ204"
          elif (.value | type) == "number" and (.value | fabs) > 9007199254740991 then "HJ205"
          else empty end]
       + (if (.userId | type) != "string" then ["HJ106"] else [] end)) as $r
      | {o: (if $r == [] then "accepted" else "modified" end), r: $r}
    end
  elif .type == "track" then
    if (.event | . == null or . == false or . == "" or . == 0) then {o: "rejected", r: ["HJ104"]}
    elif (.event | type) != "string" or (.event | test("^[A-Za-z0-9 _\\-.:|/]*$") | not) then
      {o: "rejected", r: ["HJ303"]}
    elif (.event | length) > 250 then {o: "rejected", r: ["HJ302"]}
    elif (.properties | type == "object" and length > 0) then {o: "modified", r: ["HJ301"]}
    else {o: "accepted", r: []} end
  else {o: "ignored", r: ["HJ101"]} end;

reduce (inputs | select(test("\\S")) | try (fromjson | classify) catch {o: "invalid", r: ["HJ001"]}) as $d
  ({events: 0, outcomes: {}, rules: {}};
   .events += 1 | .outcomes[$d.o] += 1 | reduce $d.r[] as $c (.; .rules[$c] += 1))
