import React, { createContext, useContext } from 'react';
import { Box, Text } from 'ink';
import type { Line } from '../format.js';

/** Whether colours may be used (false under NO_COLOR); provided by the App, never a module-level setting. */
export const ColorContext = createContext(true);

export function useColor(): boolean {
  return useContext(ColorContext);
}

/** Exactly `height` lines, each cut at `width`: panes never push each other around whatever their content. */
export function Lines({ lines, height, width }: { lines: Line[]; height: number; width: number }): React.JSX.Element {
  const color = useColor();
  const shown: Line[] = lines.slice(0, height);
  while (shown.length < height) shown.push([]);
  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      {shown.map((line, i) => (
        <Text key={i} wrap="truncate-end">
          {line.length === 0
            ? ' '
            : line.map((seg, j) => (
                <Text
                  key={j}
                  color={color ? seg.color : undefined}
                  bold={seg.bold}
                  dimColor={color ? seg.dim : undefined}
                  inverse={seg.inverse}
                >
                  {seg.text}
                </Text>
              ))}
        </Text>
      ))}
    </Box>
  );
}
