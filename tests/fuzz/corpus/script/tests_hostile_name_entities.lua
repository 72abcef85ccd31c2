-- hostile: names that look like XML entities (&#0;, &foo;, &amp;) or markup, which Graphviz passes into SVG ids and titles as they are
-- command: run {} --for 1s --quiet --allow-write out
-- setup: mkdir out
-- exit: 0
local dk = require "designkit"
local m = dk.model "R&D <team>"
local users = m:client "&#0;" { rate = 10 }
local api = m:service "&foo;" {}
local db = m:database "a&amp;b" {}
local zone = m:group "&#xD800;" { kind = "zone" }
local cache = zone:cache "</g><script>" {}
m:links { users >> api, api >> db, api >> cache }
m:draw "out/design.svg"
local f = assert(io.open("out/design.svg"))
local svg = f:read "a"
f:close()
-- Every & in the SVG starts one of XML's five entities or a character reference to a
-- character XML allows; the names come back escaped, never as live entities or markup.
for ref in svg:gmatch "&([^;]*);" do
  local ok = ref == "amp" or ref == "lt" or ref == "gt" or ref == "quot" or ref == "apos"
  local n = ref:match "^#(%d+)$" or ref:match "^#x(%x+)$"
  if n then
    local cp = tonumber(n, ref:match "^#x" and 16 or 10)
    ok = cp == 9 or cp == 10 or cp == 13 or (cp >= 32 and cp < 0xD800) or (cp > 0xDFFF and cp < 0xFFFE)
  end
  assert(ok, "SVG holds &" .. ref .. ";")
end
assert(svg:find("<title>&amp;#0;</title>", 1, true), "the title of \"&#0;\" is escaped")
assert(svg:find([[id="a&amp;amp;b"]], 1, true), "the id of \"a&amp;b\" is escaped")
assert(not svg:find("<script>", 1, true), "markup in a name stays text")
local back = dk.from_json((m:to_json()))
assert(back:name() == "R&D <team>" and back:find "&#0;" and back:find "a&amp;b" and back:find "</g><script>")
return m
