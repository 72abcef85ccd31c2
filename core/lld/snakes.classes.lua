-- snakes.classes.lua - the class diagram of the snakes-and-ladders block (core/lld/snakes.c,
-- designkit/snakes.h), declared beside its code. docs/regenerate.sh draws it into
-- docs/lld/snakes_classes.svg: `designkit snakes.classes.lua [OUT.svg]`.
local dk = require "designkit"
local d = dk.classes "snakes and ladders (designkit/snakes.h)"

d:enum { name = "dk_snakes_finish", values = { "DK_SNAKES_EXACT", "DK_SNAKES_BOUNCE",
                                              "DK_SNAKES_OVERSHOOT" } }
d:class { name = "dk_snakes_jump", fields = { "+from: int", "+to: int" } }
d:class { name = "dk_snakes_config",
          fields = { "+size: int", "+ladders: dk_snakes_jump[]", "+snakes: dk_snakes_jump[]",
                     "+finish: dk_snakes_finish", "+die: int", "+extra_turn_on_top: int",
                     "+three_tops_forfeit: int" } }
d:class { name = "dk_snakes_board",
          fields = { "-size: int", "-die: int", "-finish: dk_snakes_finish", "-extra: int",
                     "-forfeit: int", "-sq: cell[size + 1]" },
          methods = { { "+new(cfg, err): dk_snakes_board_t*", static = true },
                      "+free()", "+size(): int", "+die(): int", "+finish(): dk_snakes_finish",
                      "+follow(square: int): int",
                      "+expected_rolls(rolls*, err): dk_status",
                      "+simulate(seed, games, max_rolls, out*, err): dk_status" } }
d:class { name = "cell", fields = { "-jump: int", "-dest: int", "-jumps: int", "-flags: unsigned" } }
d:class { name = "dk_snakes_game",
          fields = { "-b: const dk_snakes_board_t*", "-rng: dk_rng_t", "-nplayers: int",
                     "-current: int", "-turn: size_t", "-script: int[]",
                     "-log: dk_snakes_move[]", "-rank: int[]", "-pl: seat[]" },
          methods = { { "+new(board, players, seed, err): dk_snakes_game_t*", static = true },
                      "+free()", "+script(rolls, n, err): dk_status",
                      "+roll(move*, err): dk_status", "+play(max_rolls, err): dk_status",
                      "+over(): int", "+position(player: int): int", "+rank(place: int): int",
                      "+log(): dk_snakes_move[]" } }
d:class { name = "dk_snakes_move",
          fields = { "+turn: size_t", "+player: int", "+roll: int", "+from: int", "+landed: int",
                     "+to: int", "+jumps: int", "+flags: unsigned" } }
d:class { name = "dk_snakes_estimate",
          fields = { "+games: size_t", "+mean: double", "+sd: double", "+ci_lo: double",
                     "+ci_hi: double" } }

d:aggregates("dk_snakes_config", "dk_snakes_jump", { mult = "*", role = "ladders, snakes" })
d:associates("dk_snakes_config", "dk_snakes_finish", { navigable = true, mult = "1" })
d:depends("dk_snakes_board", "dk_snakes_config", { label = "copies" })
d:composes("dk_snakes_board", "cell", { mult = "1..*", from_mult = "1" })
d:associates("dk_snakes_game", "dk_snakes_board", { navigable = true, mult = "1", role = "board" })
d:composes("dk_snakes_game", "dk_snakes_move", { mult = "*", role = "log" })
d:depends("dk_snakes_board", "dk_snakes_estimate", { label = "simulate" })

local out = ...
if out then assert(d:draw(out)) end
return d
