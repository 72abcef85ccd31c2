-- hostile: a name that is not UTF-8 (a raw 0xFF byte), which Python's json rejects in the report
-- exit: 2
-- stderr: name_invalid_utf8.lua:7: database name "db\xff\xfe": invalid UTF-8 (byte 0xff) at byte 3
local dk = require "designkit"
local m = dk.model "bytes"
local users = m:client "users" {}
local db = m:database "db\xff\xfe" {}
m:links { users >> db }
return m
