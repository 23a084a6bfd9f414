/** What a person attaches to a run, stored with it and exported with it: tags, a star and a note. */
export interface RunAnnotations {
  tags: string[];
  starred: boolean;
  note: string;
}

export const AnnotationLimits = {
  maxTagLength: 40,
  maxTagsPerRun: 20,
  maxNoteLength: 2000,
} as const;
