-- slips_spec: the common slips of a new user (issue 6) get a message that says what to write,
-- or just work: the statement form of links, a group without options, a nil link operand,
-- misspelt option keys, and the hint for a link written as a statement.
local dk = require "designkit"

local function failure(f)
  local ok, err = pcall(f)
  assert(not ok, "expected an error")
  return tostring(err)
end

describe("m:links, the statement form of links", function()
  local m, users, lb, api, db
  before_each(function()
    m = dk.model "links"
    users = m:client "users" { rate = 10 }
    lb = m:balancer "lb" {}
    api = m:service "api" {}
    db = m:database "db" {}
  end)

  it("makes every chain in it and returns the model", function()
    expect(m:links { users >> lb >> api, api >> db }):to_be(m)
    expect(users:links()):to_equal({ lb })
    expect(lb:links()):to_equal({ api })
    expect(api:links()):to_equal({ db })
  end)

  it("takes lists on either side", function()
    local b = m:service "b" {}
    m:links { users >> lb >> { api, b }, { api, b } >> db }
    expect(lb:links()):to_equal({ api, b })
    expect(b:links()):to_equal({ db })
  end)

  it("refuses an item that is not a link", function()
    local err, at = failure(function() m:links { users >> lb, api } end), here()
    expect(err):to_be(at .. 'links: item 2 (service "api") is not a link: write a >> b inside m:links { ... }')
    expect(function() m:links { 42 } end):to_fail("links: item 1 is number, not a link")
    expect(function() m:links "users >> api" end):to_fail("expected a table of links")
  end)
end)

describe("a link to a nil operand", function()
  local m, users, api
  before_each(function()
    m = dk.model "nil-links"
    users = m:client "users" { rate = 10 }
    api = m:service "api" {}
  end)

  it("names the right operand and the left one's component", function()
    local apii
    local err, at = failure(function() _ = users >> apii end), here()
    expect(err):to_be(at .. 'link client "users" >> nil: the right operand is nil '
                        .. "(a misspelt name, or a component not made yet?)")
  end)

  it("names the left operand", function()
    local userz
    expect(function() _ = userz >> api end)
      :to_fail('link nil >> service "api": the left operand is nil')
  end)

  it("names a nil argument of m:link and a nil in a list", function()
    expect(function() m:link(users, nil) end):to_fail("link: argument #2 is nil")
    expect(function() _ = users >> { api, 5 } end)
      :to_fail("link: the right operand must hold components (item 2 is number)")
  end)
end)

describe("m:group without its option table", function()
  it("is a plain group, made when first used", function()
    local m = dk.model "g"
    local eu = m:group "eu"
    local api = eu:service "api" {}
    expect(eu.kind):to_be("group")
    expect(eu.name):to_be("eu")
    expect(api.group):to_be(eu)
    expect(m:groups()):to_equal({ eu })
  end)

  it("still takes its options in the curried form, once", function()
    local m = dk.model "g"
    local us = m:group "us" { kind = "region" }
    local z = us:group "z"
    expect(us.kind):to_be("region")
    expect(z.parent):to_be(us)
    expect(function() us { kind = "zone" } end)
      :to_fail('group "us": options go right after the name, once')
    local w = m:group "w"
    expect(function() w "x" end):to_fail('group "w": options must be a table (got string)')
  end)

  it("refuses a taken name where it is written", function()
    local m = dk.model "g"
    _ = m:group "eu" { kind = "region" }
    local err, at = failure(function() return m:group "eu" end), here()
    expect(err):to_be(at .. 'a group named "eu" already exists')
  end)
end)

describe("misspelt names", function()
  it("an option key suggests the nearest valid one", function()
    local m = dk.model "keys"
    expect(function() m:service "api" { workrs = 4 } end)
      :to_fail('service "api": unknown option "workrs"; did you mean "workers"? (valid: ')
    local api = m:service "api2" {}
    expect(function() api.replicaz = 2 end):to_fail('did you mean "replicas"?')
    expect(function() m:run { duraton = "1s" } end)
      :to_fail('run: unknown option "duraton"; did you mean "duration"?')
    expect(function() m:cache "c" { colour = "red" } end):to_fail('unknown option "colour" (valid: ')
  end)

  it("a kind written as a method suggests the nearest", function()
    local m = dk.model "kinds"
    expect(function() m:servce "api" {} end)
      :to_fail('a model has no method "servce"; did you mean "service"?')
  end)
end)

describe("a link written as a statement", function()
  it("gets a hint after Lua's syntax error, quoting the line", function()
    local msg = dk._explain_load_error("d.lua:6: syntax error near '>>'", function(file, n)
      expect(file):to_be("d.lua")
      expect(n):to_be(6)
      return "users >> lb >> api -- the front door"
    end)
    expect(msg):to_be("d.lua:6: syntax error near '>>' (a link is an expression, not a statement: "
                        .. "write m:links { users >> lb >> api } or _ = users >> lb >> api)")
  end)

  it("leaves other messages alone", function()
    expect(dk._explain_load_error("d.lua:2: unexpected symbol near '='")):to_be(
      "d.lua:2: unexpected symbol near '='")
  end)
end)

describe("the host's exit codes for an error's status", function()
  it("maps engine failures to 3 and other statuses to 2", function()
    local ok, host = pcall(require, "designkit.host")
    if not ok then return end -- a stock lua5.4 has no host
    expect(host.exit_code("internal")):to_be(3)
    expect(host.exit_code("nomem")):to_be(3)
    expect(host.exit_code("inval")):to_be(2)
    expect(host.exit_code("state")):to_be(2)
    expect(host.exit_code(nil)):to_be(3)
  end)

  it("suggests commands and flags by the same rule as option keys", function()
    local ok, host = pcall(require, "designkit.host")
    if not ok then return end
    expect(host.suggest("--fro", { "--for", "--seed" })):to_be("--for")
    expect(host.suggest("--frobnicate", { "--for", "--seed" })):to_be(nil)
  end)
end)
