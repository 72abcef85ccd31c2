-- hostile: names ending in a backslash and with a backslash before a quote: DOT's quoted strings cannot hold them
-- command: run {} --for 1s --quiet --allow-write out
-- setup: mkdir out
-- exit: 0
local dk = require "designkit"
local m = dk.model "C:\\"
local users = m:client "users\\" { rate = 10 }
local api = m:service [[say \"hi\]] {}
local zone = m:group "zone\\" { kind = "zone" }
local db = zone:database [[a\\]] {}
m:links { users >> api, api >> db }
m:draw "out/design.dot"
local f = assert(io.open("out/design.dot"))
local dot = f:read "a"
f:close()
-- A quoted "users\" would swallow its closing quote; DOT's other spelling, <...>, keeps every
-- byte. An even run of backslashes reads back from quotes as it is.
for _, want in ipairs { [[<users\>]], [[<say \"hi\>]], [[<cluster_zone\>]], [["a\\"]] } do
  assert(dot:find(want, 1, true), "the DOT lacks " .. want .. ":\n" .. dot)
end
-- The title label ends with an escaped backslash, then a line end that draws as nothing.
assert(dot:find([[label="C:\\\n"]], 1, true), dot)
-- The model JSON carries the names exactly.
local back = dk.from_json((m:to_json()))
assert(back:name() == "C:\\" and back:find "users\\" and back:find [[say \"hi\]] and back:find [[a\\]])
return m
