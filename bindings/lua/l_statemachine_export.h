/* l_statemachine_export.h - the methods of a dk.statemachine that read its definition (drawing,
 * Mermaid, test paths), in l_statemachine_export.c; l_statemachine.c lists them. */
#ifndef DK_L_STATEMACHINE_EXPORT_H
#define DK_L_STATEMACHINE_EXPORT_H

#include "l_common.h"

/* The definition of the machine at `idx` (raises for a closed one); in l_statemachine.c. */
const dk_sm_def_t *dk_l_statemachine_def(lua_State *L, int idx);
/* Pushes a machine (not started, no Lua callbacks) of the sealed `def`, which it takes. */
int dk_l_push_statemachine(lua_State *L, dk_sm_def_t *def);

int dk_l_sm_dot(lua_State *L);
int dk_l_sm_draw(lua_State *L);
int dk_l_sm_mermaid(lua_State *L);
int dk_l_sm_paths(lua_State *L);
int dk_l_sm_covering_paths(lua_State *L);
int dk_l_sm_replay(lua_State *L);
int dk_l_sm_scxml(lua_State *L);
int dk_l_from_scxml(lua_State *L);

#endif
