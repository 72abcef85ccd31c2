-- hostile: a NUL inside a name, which the C side used to cut silently ("a\0b" became "a")
-- exit: 2
-- stderr: name_nul.lua:9: service name "api\x00evil": NUL character (U+0000) at byte 4
local dk = require "designkit"
local m = dk.model "nul"
local users = m:client "users" {}
-- Were the name cut, "api" would be taken and the component below would collide with it, or a
-- drawing would name a different component than the script did.
local api = m:service "api\0evil" {}
m:links { users >> api }
return m
