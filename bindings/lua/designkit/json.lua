-- designkit.json: a small deterministic JSON encoder (and a decoder for tests and tools).
-- Keys are sorted so the output never depends on pairs() order, which Lua 5.4 randomises.
local M = {}

local escapes = {
  ['"'] = '\\"', ["\\"] = "\\\\", ["\b"] = "\\b", ["\f"] = "\\f",
  ["\n"] = "\\n", ["\r"] = "\\r", ["\t"] = "\\t",
}

local function quote(s)
  return '"' .. s:gsub('[%c"\\]', function(c)
    return escapes[c] or string.format("\\u%04x", c:byte())
  end) .. '"'
end

local function number(x)
  if x ~= x or x == math.huge or x == -math.huge then return "null" end
  if math.type(x) == "integer" then return string.format("%d", x) end
  if x == math.floor(x) and math.abs(x) < 2 ^ 53 then return string.format("%d", math.tointeger(x)) end
  return string.format("%.17g", x)
end

-- A table is an array when its keys are exactly 1..n (an empty table is an empty array).
local function array_length(t)
  local n = 0
  for k in pairs(t) do
    if math.type(k) ~= "integer" or k < 1 then return nil end
    n = n + 1
  end
  for i = 1, n do if rawget(t, i) == nil then return nil end end
  return n
end

local function encode(v, indent, depth, seen, out)
  local kind = type(v)
  if v == nil then out[#out + 1] = "null"
  elseif kind == "boolean" then out[#out + 1] = tostring(v)
  elseif kind == "number" then out[#out + 1] = number(v)
  elseif kind == "string" then out[#out + 1] = quote(v)
  elseif kind == "table" then
    if seen[v] then error("json.encode: a table contains itself", 0) end
    seen[v] = true
    local nl, pad, pad_in = "", "", ""
    if indent then
      nl = "\n"; pad = string.rep(indent, depth); pad_in = pad .. indent
    end
    local n = array_length(v)
    if n then
      if n == 0 then out[#out + 1] = "[]" else
        out[#out + 1] = "[" .. nl
        for i = 1, n do
          out[#out + 1] = pad_in
          encode(v[i], indent, depth + 1, seen, out)
          out[#out + 1] = (i < n and "," or "") .. nl
        end
        out[#out + 1] = pad .. "]"
      end
    else
      local keys = {}
      for k in pairs(v) do
        local tk = type(k)
        if tk ~= "string" and tk ~= "number" then
          error("json.encode: object keys must be strings (got " .. tk .. ")", 0)
        end
        keys[#keys + 1] = tostring(k)
      end
      table.sort(keys)
      out[#out + 1] = "{" .. nl
      for i, k in ipairs(keys) do
        local val = v[k]
        if val == nil then val = v[tonumber(k)] end
        out[#out + 1] = pad_in .. quote(k) .. (indent and ": " or ":")
        encode(val, indent, depth + 1, seen, out)
        out[#out + 1] = (i < #keys and "," or "") .. nl
      end
      out[#out + 1] = pad .. "}"
    end
    seen[v] = nil
  else
    error("json.encode: cannot encode a " .. kind, 0)
  end
end

--- Encodes `v`; opts.indent (a string such as "  ") pretty-prints.
function M.encode(v, opts)
  local out = {}
  encode(v, opts and opts.indent, 0, {}, out)
  return table.concat(out)
end

-- ---- decoding ----

local function decode_error(s, i, what)
  local line, col = 1, 1
  for p = 1, i - 1 do
    if s:byte(p) == 10 then line, col = line + 1, 1 else col = col + 1 end
  end
  error(string.format("%d:%d: %s", line, col, what), 0)
end

local function skip(s, i)
  return s:find("[^ \t\r\n]", i) or #s + 1
end

local value

local function str(s, i)
  local parts, j = {}, i + 1
  while true do
    local c = s:sub(j, j)
    if c == "" then decode_error(s, i, "unterminated string") end
    if c == '"' then return table.concat(parts), j + 1 end
    if c == "\\" then
      local e = s:sub(j + 1, j + 1)
      local map = { b = "\b", f = "\f", n = "\n", r = "\r", t = "\t", ['"'] = '"', ["\\"] = "\\", ["/"] = "/" }
      if map[e] then parts[#parts + 1] = map[e]; j = j + 2
      elseif e == "u" then
        local hex = s:match("^%x%x%x%x", j + 2)
        if not hex then decode_error(s, j, "bad \\u escape") end
        parts[#parts + 1] = utf8.char(tonumber(hex, 16)); j = j + 6
      else decode_error(s, j, "bad escape") end
    else
      parts[#parts + 1] = c; j = j + 1
    end
  end
end

function value(s, i)
  i = skip(s, i)
  local c = s:sub(i, i)
  if c == "{" then
    local t = {}
    i = skip(s, i + 1)
    if s:sub(i, i) == "}" then return t, i + 1 end
    while true do
      if s:sub(i, i) ~= '"' then decode_error(s, i, "expected a string key") end
      local k; k, i = str(s, i)
      i = skip(s, i)
      if s:sub(i, i) ~= ":" then decode_error(s, i, "expected ':'") end
      t[k], i = value(s, i + 1)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "}" then return t, i + 1 end
      if d ~= "," then decode_error(s, i, "expected ',' or '}'") end
      i = skip(s, i + 1)
    end
  elseif c == "[" then
    local t, n = {}, 0
    i = skip(s, i + 1)
    if s:sub(i, i) == "]" then return t, i + 1 end
    while true do
      n = n + 1
      t[n], i = value(s, i)
      i = skip(s, i)
      local d = s:sub(i, i)
      if d == "]" then return t, i + 1 end
      if d ~= "," then decode_error(s, i, "expected ',' or ']'") end
      i = i + 1
    end
  elseif c == '"' then return str(s, i)
  elseif s:sub(i, i + 3) == "true" then return true, i + 4
  elseif s:sub(i, i + 4) == "false" then return false, i + 5
  elseif s:sub(i, i + 3) == "null" then return nil, i + 4
  else
    local num = s:match("^-?%d+%.?%d*[eE]?[-+]?%d*", i)
    if not num or num == "" or not tonumber(num) then decode_error(s, i, "unexpected character") end
    return math.tointeger(tonumber(num)) or tonumber(num), i + #num
  end
end

--- Decodes JSON text: value | nil, "line:col: message". null becomes nil.
function M.decode(s)
  local ok, v, i = pcall(value, s, 1)
  if not ok then return nil, v end
  i = skip(s, i)
  if i <= #s then
    local ok2, err = pcall(decode_error, s, i, "trailing characters")
    return nil, ok2 or err
  end
  return v
end

return M
