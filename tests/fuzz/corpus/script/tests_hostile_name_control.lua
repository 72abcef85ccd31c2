-- hostile: control characters in names (an escape sequence that would repaint the terminal, a C1 control)
-- exit: 2
-- stderr: name_control.lua:6: group name "eu\x1b[2J": control character U+001B at byte 3
local dk = require "designkit"
local m = dk.model "ctl"
local eu = m:group "eu\27[2J" { kind = "region" }
-- U+0085 (NEL, a C1 control) is refused the same way; the first error stops the script.
m:client "users" { mix = { ["read\u{85}"] = 1 } }
return m
