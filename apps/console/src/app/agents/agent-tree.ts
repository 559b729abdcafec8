import type { AgentResponseDto } from '@loop-gateway/api-client';

/** One agent with the agents it delegated to, in the order they started. */
export interface AgentNode {
  agent: AgentResponseDto;
  children: AgentNode[];
}

/**
 * The trees of agents (parent → children) from the flat list GET /api/agents returns, newest tree
 * first. An agent whose parent is not in the list (older than the list reaches) is shown as a root.
 */
export function agentTrees(agents: readonly AgentResponseDto[]): AgentNode[] {
  const nodes = new Map(agents.map((agent) => [agent.id, { agent, children: [] as AgentNode[] }]));
  const roots: AgentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.agent.parentId ? nodes.get(node.agent.parentId) : undefined;
    if (parent) parent.children.push(node);
    else roots.push(node);
  }
  const started = (a: AgentNode, b: AgentNode) => Date.parse(a.agent.startedAt) - Date.parse(b.agent.startedAt);
  for (const node of nodes.values()) node.children.sort(started);
  return roots.sort((a, b) => started(b, a));
}

/** Every agent of a tree, depth first, with its depth in the tree (for an indented list). */
export function flatten(node: AgentNode, level = 0): { agent: AgentResponseDto; level: number }[] {
  return [{ agent: node.agent, level }, ...node.children.flatMap((child) => flatten(child, level + 1))];
}

/** How an agent is named on the page: its role, or "Top-level agent". */
export function agentLabel(agent: Pick<AgentResponseDto, 'role'> | undefined): string {
  return agent?.role ? agent.role.charAt(0).toUpperCase() + agent.role.slice(1) : 'Top-level agent';
}
