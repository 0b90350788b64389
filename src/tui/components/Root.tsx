import React, { useEffect, useState } from 'react';
import { useStdout } from 'ink';
import { App, type AppProps } from './App.js';

/** Tracks the terminal size (redraw on resize) and hands it to the App. */
export function Root(props: Omit<AppProps, 'columns' | 'rows'>): React.JSX.Element {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const onResize = () => setSize(read());
    stdout.on('resize', onResize);
    return () => {
      stdout.off('resize', onResize);
    };
  }, [stdout]);
  return <App {...props} columns={size.columns} rows={size.rows} />;
}
