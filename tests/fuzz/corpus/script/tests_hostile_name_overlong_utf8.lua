-- hostile: an overlong UTF-8 form of "/" (C0 AF) and a UTF-8 surrogate, which decoders disagree on
-- exit: 2
-- stderr: name_overlong_utf8.lua:7: class name "a\xc0\xafb": invalid UTF-8 (byte 0xc0) at byte 2
local dk = require "designkit"
local m = dk.model "overlong"
local api = m:service "api" {}
api:on("a\xc0\xafb", function() end)
m:service "\xed\xa0\x80" {} -- never reached: the line above stops the script
return m
