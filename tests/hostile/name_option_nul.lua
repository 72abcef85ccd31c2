-- hostile: a text option with a NUL inside ("lru\0x") that C would have read as "lru"
-- exit: 2
-- stderr: name_option_nul.lua:7:
-- stderr: policy: a NUL character inside the text (at byte 4)
local dk = require "designkit"
local m = dk.model "nul"
m:cache "c" { policy = "lru\0x", capacity = 10 }
return m
